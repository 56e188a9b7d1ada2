"""Webhook in, one accessible email out, every step announced on Kafka."""
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from chassis.auth import reply_tag
from chassis.kafka import KafkaPublisher
from chassis.outbox import OutboxRelay
from chassis.tokens import verify_token
from contracts import topics
from devkit.testing import wait_for
from survey_svc.service_layer.dispatch import dispatch_due

pytestmark = pytest.mark.integration
LABELS = ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied",
          "Satisfied", "Very satisfied"]


def _links(text: str) -> list[str]:
    return re.findall(r"https://feedback\.example\.org/s/[\w.-]+\?score=\d", text)


def test_resolved_ticket_becomes_one_email_and_lifecycle_events(
        client, survey, clock, smtp_server, survey_keys, kafka_bootstrap, tail, unique,
        signed, ticket_payload):
    lifecycle = tail(topics.SURVEYS_LIFECYCLE)
    body, headers = signed(ticket_payload(f"INC-{unique}", clock.now()))
    first = client.post("/v1/tickets/resolved", data=body, headers=headers)
    again = client.post("/v1/tickets/resolved", data=body, headers=headers)
    assert first.status_code == 202 and first.json["surveyed"]
    assert again.status_code == 202 and again.json["duplicate"]
    invitation_id = first.json["invitation_id"]

    mailer = survey.mailer_factory()
    # Nothing yet: the policy's delay is 1 h.
    assert dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer).sent == 0
    clock.advance(timedelta(hours=1))
    assert dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer).sent == 1
    mailer.close()

    [msg] = smtp_server.wait_for_messages(1)
    assert f"INC-{unique}" in msg["Subject"]
    tag = reply_tag(survey.settings.reply_tag_key, invitation_id)
    assert msg["Reply-To"] == f"survey+{invitation_id}.{tag}@replies.localhost"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<https://feedback\.example\.org/s/[\w.-]+/unsubscribe>",
                        msg["List-Unsubscribe"])
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert f"Survey reference: {invitation_id}" in text and '<html lang="en"' in html
    assert all(label in text and f">{label}</a>" in html for label in LABELS)
    for part in (text, html):
        links = _links(part)
        assert [parse_qs(urlsplit(u).query)["score"] for u in links] == [[str(n)] for n in range(1, 6)]
        claims = verify_token(survey_keys[1], urlsplit(links[0]).path.split("/")[2])
        assert claims["inv"] == invitation_id and claims["tkt"] == f"INC-{unique}"
    assert "pat@example.org" not in str(claims) and "Pat" not in str(claims)

    publisher = KafkaPublisher(kafka_bootstrap, "survey-test")
    try:
        assert OutboxRelay(survey.sessions, publisher).relay() == 2
    finally:
        publisher.close()
    mine = lambda: [e for e in lifecycle.poll() if e.data["invitation_id"] == invitation_id]  # noqa: E731
    wait_for(lambda: len(mine()) >= 2, 20)
    created, sent = mine()
    assert (created.event_type, sent.event_type) == ("invitation.created", "invitation.sent")
    assert created.data["requester_id"] == f"req-INC-{unique}"
    assert created.data["expires_at"] == created.data["due_at"] + timedelta(days=14)
