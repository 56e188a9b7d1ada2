"""PII redaction: each kind is replaced, and ordinary service-desk text is left alone."""
import pytest

from analysis_svc.adapters.text import redact


@pytest.mark.parametrize("text, expected", [
    ("email me at jane.doe+it@council.gov.uk please", "email me at [EMAIL] please"),
    ("ring 07700 900123 after 3", "ring [PHONE] after 3"),
    ("call +44 (0)20 7946 0958", "call [PHONE]"),
    ("on (01632) 960001 today", "on [PHONE] today"),
    ("mobile 07700900123.", "mobile [PHONE]."),
    ("0161-496-0000 is the office", "[PHONE] is the office"),
    ("I live at SW1A 1AA now", "I live at [POSTCODE] now"),
    ("postcode m1 1ae", "postcode [POSTCODE]"),
    ("my NI is AB 12 34 56 C", "my NI is [NI NUMBER]"),
    ("NI: ab123456c", "NI: [NI NUMBER]"),
    ("card 4111 1111 1111 1111 was charged", "card [CARD] was charged"),
    ("card 5500-0000-0000-0004", "card [CARD]"),
    ("link https://survey.example.gov.uk/s/eyJhbGciOiJIUzI1NiJ9x1y2z3 broke", "link [URL] broke"),
    ("see https://x.example.com/reset?token=abc123.", "see [URL]."),
    ("https://bob:hunter2@files.example.com/a", "[URL]"),
    ("try www.example.com/login?session=s1&x=2", "try [URL]"),
    ("my Paris number is +33 1 23 45 67 89.", "my Paris number is [PHONE]."),
    ("US desk +1 (555) 123-4567 ext 2", "US desk [PHONE] ext 2"),
    ("or (555) 123-4567 or 555-123-4567", "or [PHONE] or [PHONE]"),
    ("Berlin: +49 30 901820", "Berlin: [PHONE]"),
    ("+353-1-234-5678 works", "[PHONE] works"),
    ("deliver to 12 Acacia Avenue please", "deliver to [ADDRESS] please"),
    ("I am at 221b Baker St. until 5", "I am at [ADDRESS] until 5"),
    ("Flat 3, 47 Mill Hill Road, Leeds", "Flat 3, [ADDRESS], Leeds"),
])
def test_redacts_each_kind(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Ticket INC0012345 raised at 2pm on 01/02/2024",
    "Windows 11 build 10.0.22631, 3 weeks, £1,200, ext 4321",
    "reference 1234567890123456 is not a valid card number",
    "see https://portal.example.gov.uk/tickets?id=4471 for details",
    "QQ 12 34 56 C is the HMRC example, not a real NI number",
    "it will work and we may see",
    "the server M365 2FA rollout",
    "3 days on the road, then 2 weeks later the Street party was cancelled by +1 vote",
    "version +1.2 and 10.0.22631 on 2024-01-02, ticket 555-1234",
    "it took 45 minutes + 2 more Park and Ride trips",
    "",
])
def test_leaves_ordinary_text_alone(text):
    assert redact(text, ["Will May"]) == text.replace("Will May", "[NAME]")


def test_redacts_the_requesters_name_in_any_form():
    text = "Thanks Jane, jane smith was great. JANE SMITH's laptop works."
    assert redact(text, ["Jane Smith"]) == "Thanks [NAME], [NAME] was great. [NAME] laptop works."


def test_single_name_parts_only_when_capitalised():
    assert redact("Will said it will be fixed", ["Will Turner"]) == "[NAME] said it will be fixed"


def test_names_redacted_without_a_requester():
    # Other people's names go too (issue #12): no requester name is needed to find "Jane".
    assert redact("Thanks Jane") == "Thanks [NAME]"
    assert redact("Thanks Jane", [None, ""]) == "Thanks [NAME]"
