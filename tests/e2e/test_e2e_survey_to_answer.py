"""End to end: survey-svc emails a real SMTP server; a person answers from the link in
Chromium (mouse, then keyboard only), and by replying; every answer reaches Kafka."""
import json
import re
import smtplib
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from kafka import KafkaConsumer, TopicPartition
from werkzeug.serving import make_server

from chassis.auth import sign_webhook
from chassis.kafka import KafkaPublisher, Record
from chassis.outbox import OutboxRelay
from chassis.testing import FakeClock
from chassis.tokens import generate_keypair
from contracts import decode
from devkit.testing import free_port, wait_for
from survey_svc import bootstrap as survey_bootstrap

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.integration]
REPLY_TAG_KEY = "e2e-reply-tag-key"  # survey-svc and ingest-svc share it


class Tail:
    def __init__(self, bootstrap: str, topic: str):
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        parts = [TopicPartition(topic, p) for p in self.consumer.partitions_for_topic(topic)]
        self.consumer.assign(parts)
        for tp, offset in self.consumer.end_offsets(parts).items():
            self.consumer.seek(tp, offset)
        self.records = []

    def matching(self, predicate):
        for batch in self.consumer.poll(timeout_ms=200).values():
            self.records.extend(batch)
        return [(r, decode(r.value)) for r in self.records if predicate(decode(r.value))]


@pytest.fixture
def ingest(kafka_bootstrap, tmp_path):
    from ingest_svc.app import create_app
    from ingest_svc.bootstrap import build
    from ingest_svc.config import Settings
    keys = generate_keypair()
    settings = Settings(survey_verify_key=keys[1], secret_key=uuid.uuid4().hex, reply_tag_key=REPLY_TAG_KEY,
                        database_url=f"sqlite:///{tmp_path / 'ingest.db'}",
                        kafka_bootstrap_servers=kafka_bootstrap, spool_dir=str(tmp_path / "spool"))
    bus = build(settings)
    server = make_server("127.0.0.1", free_port(), create_app(bus), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", bus, keys
    server.shutdown()
    bus.close()


@pytest.fixture
def survey(ingest, smtp_server, tmp_path):
    from survey_svc.app import create_app
    from survey_svc.config import Settings
    settings = Settings(webhook_secret="e2e-secret", admin_token="e2e-admin", reply_tag_key=REPLY_TAG_KEY,
                        signing_key=ingest[2][0],
                        database_url=f"sqlite:///{tmp_path / 'survey.db'}", smtp_port=smtp_server.port,
                        public_survey_url=ingest[0])
    clock = FakeClock(datetime.now(timezone.utc).replace(microsecond=0))
    bus = survey_bootstrap.build(settings, clock=clock)
    yield create_app(bus).test_client(), bus, clock
    bus.close()


@pytest.fixture
def service_logs():
    """Everything the services log during the test, as the JSON lines production writes."""
    import io
    import logging

    from chassis.logs import configure_logging
    root = logging.getLogger()
    quietened = [logging.getLogger(name) for name in ("kafka", "werkzeug", "mail.log")]
    saved = (root.handlers[:], root.level, [logger.level for logger in quietened])
    stream = io.StringIO()
    configure_logging("e2e", "INFO", stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for logger, level in zip(quietened, saved[2]):
        logger.setLevel(level)


def resolve_ticket(client, ticket_id: str, at: datetime) -> str:
    body = json.dumps({"ticket_id": ticket_id, "resolution": 1, "resolved_at": at.isoformat(),
                       "requester": {"id": f"req-{ticket_id}", "email": "sam@example.org", "name": "Sam Lee"},
                       "directorate": "Place", "service": "Printing", "category": "Hardware",
                       "team": "Field", "priority": "P3", "channel": "phone"}).encode()
    sig = sign_webhook("e2e-secret", body, int(at.timestamp()))
    response = client.post("/v1/tickets/resolved", data=body,
                           headers={"X-Signature": sig, "Content-Type": "application/json"})
    assert response.status_code == 202 and response.json["surveyed"]
    return response.json["invitation_id"]


def test_email_link_to_answer_on_kafka(ingest, survey, smtp_server, browser, kafka_bootstrap,
                                      service_logs):
    from survey_svc.service_layer.dispatch import dispatch_due
    from ingest_svc.adapters.smtp_listener import start_listener
    from ingest_svc.entrypoints.worker import handle_message
    base, ingest_bus, _ = ingest
    client, services, clock = survey
    responses, lifecycle = Tail(kafka_bootstrap, "feedback.responses"), Tail(kafka_bootstrap, "surveys.lifecycle")
    ticket = f"INC-{uuid.uuid4().hex[:8]}"
    invitation_id = resolve_ticket(client, ticket, clock.now())
    clock.advance(timedelta(hours=2))
    mailer = services.mailer_factory()
    assert dispatch_due(services.uow_factory(), clock, mailer, services.renderer).sent == 1
    mailer.close()
    [message] = smtp_server.wait_for_messages(1)
    html = message.get_body(("html",)).get_content()
    links = re.findall(re.escape(base) + r"/s/[\w.-]+\?score=\d", html)
    assert len(links) == 5

    page = browser.new_page()
    page.goto(links[3])  # "Satisfied" in the email
    assert page.is_checked("#score-4")
    page.get_by_label("Yes").check()
    page.get_by_label("Tell us more (optional)").fill("Printer fixed the same day.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/thanks")
    assert page.inner_text("h1") == "Thank you for your feedback"

    page.goto(links[1])  # again, keyboard only: amend to "Dissatisfied"
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "score":
            break
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # "No"
    page.keyboard.press("Tab")
    page.keyboard.type("It broke again.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thanks")
    page.close()

    mine = lambda e: e.data.get("invitation_id") == invitation_id  # noqa: E731
    found = wait_for(lambda: len(responses.matching(mine)) >= 2 and responses.matching(mine), 20)
    (r1, first), (r2, second) = found[:2]
    assert r1.key.decode() == invitation_id and r2.partition == r1.partition
    assert (first.data["version"], first.data["score"], first.data["resolved"]) == (1, 4, "yes")
    assert (second.data["version"], second.data["score"], second.data["resolved"]) == (2, 2, "no")
    assert (first.data["directorate"], first.data["team"], first.data["ticket_id"]) == ("Place", "Field", ticket)

    # survey-svc announces the invitation; ingest-svc learns it and matches an email reply.
    publisher = KafkaPublisher(kafka_bootstrap, "e2e")
    OutboxRelay(services.sessions, publisher).relay()
    created = wait_for(lambda: [r for r, e in lifecycle.matching(
        lambda e: e.event_type == "invitation.created" and e.data["invitation_id"] == invitation_id)], 20)
    handle_message(Record(created[0].topic, created[0].partition, created[0].offset, None,
                          created[0].value), ingest_bus)
    port = free_port()
    controller = start_listener(ingest_bus, "replies.localhost", "127.0.0.1", port)
    try:
        reply = (f"From: sam@example.org\r\nTo: {message['Reply-To']}\r\nSubject: Re: {message['Subject']}\r\n"
                 f"Message-ID: <{uuid.uuid4().hex}@example.org>\r\n\r\nvery satisfied\r\nSorted now.\r\n\r\n"
                 "> Survey reference: " + invitation_id + "\r\n").encode()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail("sam@example.org", [message["Reply-To"]], reply)
    finally:
        controller.stop()
        publisher.close()
    third = wait_for(lambda: [e for _, e in responses.matching(mine) if e.data["version"] == 3], 20)
    assert (third[0].data["score"], third[0].data["channel"]) == (5, "email_reply")

    # Nothing personal or secret reached the logs on the way (issue #11): no address, name,
    # comment, or survey-link token, even from the 404 of a mistyped link.
    import urllib.request
    token = links[0].split("/s/", 1)[1].split("?", 1)[0]
    try:
        urllib.request.urlopen(f"{base}/s/{token}x/nope")
    except Exception:  # a 404 is expected; what matters is what it logged
        pass
    import logging
    logging.getLogger("ingest_svc.e2e").warning("capture check")
    logged = service_logs.getvalue()
    assert '"capture check"' in logged, "the JSON log capture is not working"
    for secret in ("sam@example.org", "Sam Lee", "Printer fixed the same day.", "It broke again.",
                   "Sorted now.", token, token[-24:]):
        assert secret not in logged, f"{secret[:12]}... reached the logs"
