"""The email itself: escaped, Outlook-friendly, accessible, with a language fallback."""
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

from chassis.tokens import generate_keypair
from survey_svc.adapters.email import EmailRenderer
from survey_svc.domain.model import Invitation, Ticket

NOW = datetime.now(timezone.utc)


def _render(**ticket_changes):
    ticket = Ticket(**{**dict(ticket_id="INC-9", resolution=1, resolved_at=NOW,
                              requester_id="u9", requester_email="sian@example.org",
                              requester_name="Siân <script>alert(1)</script>",
                              directorate="Adults"), **ticket_changes})
    renderer = EmailRenderer(public_survey_url="https://feedback.example.org/",
                             signing_key=generate_keypair()[0],
                             mail_from="ICT Service <ict@council.example>",
                             reply_domain="replies.example")
    raw = renderer.render(Invitation("b" * 32, ticket, NOW, NOW + timedelta(days=14), 3),
                          "invitation").as_bytes()
    return message_from_bytes(raw, policy=policy.default)


def test_names_are_escaped_and_headers_survive_non_ascii():
    msg = _render()
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert msg["To"].addresses[0].display_name.startswith("Siân")
    assert msg["List-Unsubscribe"].startswith("<https://feedback.example.org/s/")
    assert msg["Date"].datetime.tzinfo is not None and msg["Message-ID"]


def test_html_is_table_based_with_inline_styles_and_a_language():
    html = _render().get_body(("html",)).get_content()
    assert '<html lang="en"' in html and 'role="presentation"' in html
    assert "<style" not in html and "<img" not in html  # real text, nothing to block


def test_unknown_language_falls_back_to_english():
    msg = _render(language="fr")
    assert msg["Content-Language"] == "en"
    assert '<html lang="en"' in msg.get_body(("html",)).get_content()
