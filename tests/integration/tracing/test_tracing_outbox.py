"""A signed webhook to survey-svc is one trace through its outbox and the relay onto Kafka: the
relayed record carries the request's id and a traceparent in that trace, whose send span is the
request's child (SQLite and PostgreSQL, the shared broker)."""
import json
import uuid
from datetime import datetime, timezone

import pytest
from kafka import KafkaConsumer, TopicPartition
from opentelemetry.trace import SpanKind

from chassis import tracing
from chassis.auth import sign_webhook
from chassis.kafka import KafkaPublisher, Record
from chassis.outbox import OutboxRelay
from chassis.tokens import generate_keypair
from contracts import decode, topics
from devkit.testing import wait_for

pytestmark = pytest.mark.integration
SECRET = "tracing-webhook-secret"  # NOT SECRET: tests only


@pytest.fixture
def survey(db_url, smtp_server):
    from survey_svc import bootstrap
    from survey_svc.config import Settings
    bus = bootstrap.build(Settings(
        webhook_secret=SECRET, admin_token="admin", reply_tag_key="tracing-tag-key",
        signing_key=generate_keypair()[0], database_url=db_url, smtp_port=smtp_server.port,
        public_survey_url="https://feedback.example.org"))
    yield bus
    bus.close()


class Lifecycle:
    """surveys.lifecycle from its current end: the raw records, headers included."""

    def __init__(self, bootstrap: str):
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        parts = [TopicPartition(topics.SURVEYS_LIFECYCLE, p)
                 for p in self.consumer.partitions_for_topic(topics.SURVEYS_LIFECYCLE)]
        self.consumer.assign(parts)
        for part, offset in self.consumer.end_offsets(parts).items():
            self.consumer.seek(part, offset)
        self.records = []

    def of(self, invitation_id: str) -> list:
        for batch in self.consumer.poll(timeout_ms=200).values():
            self.records.extend(batch)
        return [r for r in self.records if decode(r.value).data["invitation_id"] == invitation_id]


@pytest.fixture
def lifecycle(kafka_bootstrap):
    opened = Lifecycle(kafka_bootstrap)
    yield opened
    opened.consumer.close()


def webhook(ticket_id: str) -> tuple[bytes, dict]:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    body = json.dumps({
        "ticket_id": ticket_id, "resolution": 1, "resolved_at": now.isoformat(),
        "requester": {"id": f"req-{ticket_id}", "email": f"{ticket_id.lower()}@example.org",
                      "name": "Pat O'Neill"},
        "directorate": "Adult Social Care", "service": "Email", "category": "Software",
        "team": "Service Desk", "priority": "P3", "channel": "portal"}).encode()
    return body, {"X-Signature": sign_webhook(SECRET, body, int(now.timestamp())),
                  "Content-Type": "application/json"}


def test_a_webhook_is_one_trace_through_the_outbox_and_the_relay(
        survey, spans, lifecycle, kafka_bootstrap):
    from survey_svc.app import create_app
    request_id = f"hook-{uuid.uuid4().hex[:12]}"
    body, headers = webhook(f"INC-{uuid.uuid4().hex[:10]}")
    answer = create_app(survey).test_client().post(
        "/v1/tickets/resolved", data=body, headers={**headers, "X-Request-ID": request_id})
    assert answer.status_code == 202 and answer.json["surveyed"]
    invitation_id = answer.json["invitation_id"]
    [http] = [s for s in spans.get_finished_spans() if s.name == "POST /v1/tickets/resolved"]
    assert not [s for s in spans.get_finished_spans() if s.kind == SpanKind.PRODUCER]

    publisher = KafkaPublisher(kafka_bootstrap, "tracing-relay")
    try:  # the relay runs later, outside any request (as survey-svc's worker does)
        assert OutboxRelay(survey.sessions, publisher).relay() >= 1
    finally:
        publisher.close()
    [record] = wait_for(lambda: lifecycle.of(invitation_id), 30, message="the relayed record")

    [send] = [s for s in spans.get_finished_spans() if s.name == f"send {topics.SURVEYS_LIFECYCLE}"]
    assert send.kind == SpanKind.PRODUCER
    assert send.context.trace_id == http.context.trace_id
    assert send.parent.span_id == http.context.span_id  # the stored context is its parent
    sent = dict(record.headers)
    assert sent["x-request-id"] == request_id.encode()
    version, trace_id, parent_id, _flags = sent["traceparent"].decode().split("-")
    assert (version, trace_id, parent_id) == (
        "00", f"{http.context.trace_id:032x}", f"{send.context.span_id:016x}")
    # and the consumer on the other side continues it
    consumed = Record(record.topic, record.partition, record.offset, None, record.value,
                      headers=tuple(record.headers))
    with tracing.consumer_span([consumed]):
        pass
    [process] = [s for s in spans.get_finished_spans() if s.kind == SpanKind.CONSUMER]
    assert process.context.trace_id == http.context.trace_id
    assert process.parent.span_id == send.context.span_id
