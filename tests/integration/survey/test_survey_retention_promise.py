"""The survey email's privacy promise comes from the retention settings, in each language."""
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest

from chassis.privacy.retention import Period
from chassis.tokens import generate_keypair
from survey_svc.adapters.email import EmailRenderer
from survey_svc.config import Settings
from survey_svc.domain.model import Invitation, Ticket

NOW = datetime.now(timezone.utc)
KEYS = generate_keypair()
ENV = {"WEBHOOK_SECRET": "w", "ADMIN_TOKEN": "a", "REPLY_TAG_KEY": "r",
       "SURVEY_SIGNING_KEY": KEYS[0], "PRIVACY_MASTER_KEY": "m" * 32}


def _parts(language: str, kept_for: Period | None) -> tuple[str, str]:
    renderer = EmailRenderer(public_survey_url="https://feedback.example.org", signing_key=KEYS[0],
                             mail_from="ICT Service <ict@council.example>",
                             reply_domain="replies.example", reply_tag_key="k", kept_for=kept_for)
    ticket = Ticket("INC-9", 1, NOW, "u9", "sian@example.org", "Siân", "Adults", language=language)
    mail = renderer.render(Invitation("b" * 32, ticket, NOW, NOW + timedelta(days=14), 3),
                           "invitation")
    msg = message_from_bytes(mail.data, policy=policy.default)
    return (" ".join(msg.get_body(("plain",)).get_content().split()),
            " ".join(msg.get_body(("html",)).get_content().split()))


@pytest.mark.parametrize("variables, english, welsh", [
    ({}, "kept for no longer than two years.", "am fwy na dwy flynedd."),
    ({"RETENTION_COMMENTS": "18 months"}, "kept for no longer than two years.",
     "am fwy na dwy flynedd."),  # the longest personal period is the promise
    ({"RETENTION_CONTACT_DETAILS": "12 months", "RETENTION_COMMENTS": "18 months"},
     "kept for no longer than 18 months.", "am fwy na 18 mis."),
    ({"RETENTION_CONTACT_DETAILS": "1 year", "RETENTION_COMMENTS": "6 months"},
     "kept for no longer than one year.", "am fwy na blwyddyn."),
    ({"RETENTION_CONTACT_DETAILS": "36 months"}, "kept for no longer than three years.",
     "am fwy na thair blynedd."),
    ({"RETENTION_CONTACT_DETAILS": "90 days", "RETENTION_COMMENTS": "90 days"},
     "kept for no longer than 90 days.", "am fwy na 90 diwrnod."),
])
def test_the_promise_in_both_languages_is_the_setting(variables, english, welsh):
    settings = Settings.from_env({**ENV, **variables})
    for language, promise in (("en", english), ("cy", welsh)):
        text, html = _parts(language, settings.longest_personal_period)
        assert promise in text and promise in html


def test_without_a_setting_the_renderer_promises_the_default():
    assert "kept for no longer than two years." in _parts("en", None)[0]
