"""The email carries the organisation's branding; a test send is marked and its link records nothing."""
import re
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from pathlib import Path

from chassis.branding import load_branding
from chassis.tokens import generate_keypair, verify_token
from survey_svc.adapters.email import EmailRenderer
from survey_svc.domain.model import Invitation, Ticket

NOW = datetime.now(timezone.utc)
KEYS = generate_keypair()
BRANDING = Path(__file__).resolve().parents[2] / "fixtures" / "branding"


def renderer(**environ):
    branding = load_branding({"BRANDING_FILE": str(BRANDING / "branding.toml"), **environ})
    return EmailRenderer(public_survey_url="https://feedback.example.org", signing_key=KEYS[0],
                         mail_from="Digital <digital@council.example>",
                         reply_domain="replies.example", reply_tag_key="reply-key",
                         branding=branding)


def invitation(language="en"):
    ticket = Ticket(ticket_id="INC-7", resolution=1, resolved_at=NOW, requester_id="u7",
                    requester_email="rhys@example.org", requester_name="Rhys",
                    directorate="Adults", language=language)
    return Invitation("c" * 32, ticket, NOW, NOW + timedelta(days=14), 3)


def message(mail):
    return message_from_bytes(mail.data, policy=policy.default)


def test_the_email_carries_the_organisations_name_logo_colours_and_signature():
    mail = message(renderer().render(invitation(), "invitation"))
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    assert "Cyngor Bro Enghraifft" in html
    assert 'src="https://feedback.example.org/s/brand/logo"' in html
    assert "background-color:#4a1a6b" in html and "background-color:#2b5b3b" in html
    assert "Digital Services, Cyngor Bro Enghraifft" in html and "ICT Service" not in html
    assert "improve the Digital Services" in text and "Digital Services, Cyngor Bro Enghraifft" in text
    assert 'href="https://example.gov.wales/privacy"' in html
    assert "X-Survey-Test" not in mail


def test_a_welsh_email_uses_the_welsh_branding():
    mail = message(renderer().render(invitation("cy"), "invitation"))
    html = mail.get_body(("html",)).get_content()
    assert "Gwasanaethau Digidol, Cyngor Bro Enghraifft" in html
    assert 'href="https://example.gov.wales/cy/preifatrwydd"' in html


def test_a_test_send_is_marked_and_its_token_says_so():
    mail = message(renderer().render(invitation("cy"), "invitation", test=True))
    assert mail["Subject"].startswith("[TEST] ") and mail["X-Survey-Test"] == "yes"
    assert "E-bost prawf yw hwn" in mail.get_body(("plain",)).get_content()
    token = re.findall(r"/s/([\w.-]+)\?score=1", mail.get_body(("html",)).get_content())[0]
    assert verify_token(KEYS[1], token)["test"] is True


def test_the_organisations_email_templates_override_the_packaged_ones(tmp_path):
    (tmp_path / "email" / "en").mkdir(parents=True)
    (tmp_path / "email" / "en" / "subject.txt").write_text("{{ brand.organisation_name }} asks")
    mail = message(renderer(TEMPLATES_OVERRIDE_DIR=str(tmp_path)).render(invitation(), "invitation"))
    assert mail["Subject"] == "Cyngor Bro Enghraifft asks"
    assert "Cyngor Bro Enghraifft" in mail.get_body(("html",)).get_content()
