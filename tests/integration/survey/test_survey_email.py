"""The email itself: escaped, Outlook-friendly, accessible, standard MIME, one set per language."""
import re
import uuid
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest

from chassis.tokens import generate_keypair
from survey_svc.adapters.email import EmailRenderer
from survey_svc.domain.model import Invitation, Ticket

NOW = datetime.now(timezone.utc)


KEYS = generate_keypair()
WELSH_LABELS = ("Anfodlon iawn", "Anfodlon", "Ddim yn fodlon nac yn anfodlon", "Bodlon", "Bodlon iawn")
ENGLISH_LABELS = ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied",
                  "Satisfied", "Very satisfied")


def _render(kind="invitation", base="https://feedback.example.org/", **ticket_changes):
    return message_from_bytes(_raw(kind, base, **ticket_changes), policy=policy.default)


def _raw(kind="invitation", base="https://feedback.example.org/", **ticket_changes) -> bytes:
    ticket = Ticket(**{**dict(ticket_id="INC-9", resolution=1, resolved_at=NOW,
                              requester_id="u9", requester_email="sian@example.org",
                              requester_name="Siân <script>alert(1)</script>",
                              directorate="Adults"), **ticket_changes})
    renderer = EmailRenderer(public_survey_url=base, signing_key=KEYS[0],
                             mail_from="ICT Service <ict@council.example>",
                             reply_domain="replies.example", reply_tag_key="reply-key")
    return renderer.render(Invitation("b" * 32, ticket, NOW, NOW + timedelta(days=14), 3),
                           kind).data


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


@pytest.mark.parametrize("name", ["Pat Jones", "Siân Llŷr"])
def test_mime_is_standard_crlf_short_lines_and_7bit_only_when_ascii(name):
    raw = _raw(requester_name=name)
    assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998 and raw.isascii()
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative" and msg["MIME-Version"] == "1.0"
    for part in msg.iter_parts():
        content = part.get_content()
        assert part["Content-Transfer-Encoding"] == ("7bit" if content.isascii()
                                                     else "quoted-printable")
        assert name in content and len(re.findall(r"/s/[\w.-]+\?score=[1-5]", content)) == 5


def test_welsh_set_speaks_welsh_with_its_own_labels_and_five_links():
    msg = _render(language="cy", kind="reminder")
    html, text = (msg.get_body((kind,)).get_content() for kind in ("html", "plain"))
    assert msg["Content-Language"] == "cy" and '<html lang="cy"' in html
    assert msg["Subject"] == "Nodyn atgoffa: Sut wnaethon ni gyda'ch cais TG INC-9?"
    for body in (html, text):
        links = re.findall(r"https://feedback\.example\.org/s/[\w.-]+\?score=([1-5])", body)
        assert links == ["1", "2", "3", "4", "5"]
        assert all(label in body for label in WELSH_LABELS)
        assert not any(label in body for label in ENGLISH_LABELS[1:])  # "Dissatisfied" etc.
        assert "Survey reference: " + "b" * 32 in body  # reply matching keeps working
    assert "Dad-danysgrifio" in html and "/unsubscribe" in msg["List-Unsubscribe"]
    english = _render().get_body(("plain",)).get_content()
    assert all(label in english for label in ENGLISH_LABELS)


def test_a_welsh_email_opens_the_welsh_survey_page(kafka_bootstrap, tmp_path):
    """The link carries the invitation's language: the page speaks Welsh, labels as the email's."""
    from ingest_svc.app import create_app
    from ingest_svc.bootstrap import build
    from ingest_svc.config import Settings
    settings = Settings(survey_verify_key=KEYS[1], secret_key=uuid.uuid4().hex, reply_tag_key="unused",
                        database_url=f"sqlite:///{tmp_path / 'ingest.db'}",
                        kafka_bootstrap_servers=kafka_bootstrap, spool_dir=str(tmp_path / "spool"))
    bus = build(settings)
    try:
        html = _render(language="cy", base="http://ingest.test").get_body(("html",)).get_content()
        link = re.findall(r"http://ingest\.test(/s/[\w.-]+\?score=2)", html)[0]
        page = create_app(bus).test_client().get(link)
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert '<html lang="cy"' in body and all(label in body for label in WELSH_LABELS)
        assert 'id="score-2"' in body and "Very satisfied" not in body
    finally:
        bus.close()
