"""An answer ingest-svc spools while the broker is unreachable keeps its request's id and trace:
the flushed record carries them, and the flush's send span is the request's child (SQLite and
PostgreSQL, the shared broker once it is reachable)."""
import uuid

import pytest
from kafka import KafkaConsumer, TopicPartition
from opentelemetry.trace import SpanKind, StatusCode

from chassis.tokens import generate_keypair
from contracts import decode, topics
from devkit.testing import wait_for

pytestmark = pytest.mark.integration
UNREACHABLE = "127.0.0.1:9"  # discard port: nothing speaks Kafka there


@pytest.fixture
def ingest(db_url, privacy_settings, tmp_path):
    """ingest-svc whose broker is unreachable, so every answer is spooled."""
    from ingest_svc.bootstrap import build
    from ingest_svc.config import Settings
    bus = build(Settings(
        survey_verify_key=generate_keypair()[1], secret_key=uuid.uuid4().hex,
        reply_tag_key="tracing-tag-key", database_url=db_url, kafka_bootstrap_servers=UNREACHABLE,
        spool_dir=str(tmp_path / "spool"), api_tokens=("phone:phone-token",), ack_timeout_s=1.0,
        **privacy_settings))
    yield bus
    bus.close()


@pytest.fixture
def responses(kafka_bootstrap):
    consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap, enable_auto_commit=False)
    parts = [TopicPartition(topics.FEEDBACK_RESPONSES, p)
             for p in consumer.partitions_for_topic(topics.FEEDBACK_RESPONSES)]
    consumer.assign(parts)
    for part, offset in consumer.end_offsets(parts).items():
        consumer.seek(part, offset)
    yield consumer
    consumer.close()


def test_a_spooled_answer_is_flushed_with_its_requests_id_and_trace(
        ingest, spans, responses, kafka_bootstrap):
    from ingest_svc.adapters.delivery import BoundedPublisher, flush_spool
    from ingest_svc.app import create_app
    request_id, directorate = f"spool-{uuid.uuid4().hex[:12]}", f"Spool {uuid.uuid4().hex[:10]}"
    answer = create_app(ingest).test_client().post(
        "/v1/responses", json={"score": 2, "directorate": directorate},
        headers={"Authorization": "Bearer phone-token", "X-Request-ID": request_id})
    assert (answer.status_code, answer.json["delivery"]) == (202, "spooled")
    assert ingest.spool.count() == 1
    [http] = [s for s in spans.get_finished_spans() if s.name == "POST /v1/responses"]
    [missed] = [s for s in spans.get_finished_spans() if s.kind == SpanKind.PRODUCER]
    assert missed.status.status_code == StatusCode.ERROR  # the broker never confirmed it

    # the broker is back: the flusher sends what waited, as ingest-svc's worker does
    publisher = BoundedPublisher(kafka_bootstrap, "tracing-flusher", ack_bound_s=10.0)
    try:
        assert flush_spool(ingest.spool, publisher) == 1
    finally:
        publisher.close()
    assert ingest.spool.count() == 0

    found = []

    def flushed():
        for batch in responses.poll(timeout_ms=200).values():
            found.extend(r for r in batch if decode(r.value).data["directorate"] == directorate)
        return found
    [record] = wait_for(flushed, 30, message="the flushed record")
    [send] = [s for s in spans.get_finished_spans()
              if s.kind == SpanKind.PRODUCER and s.context.span_id != missed.context.span_id]
    assert send.context.trace_id == http.context.trace_id
    assert send.parent.span_id == http.context.span_id
    assert send.status.status_code != StatusCode.ERROR
    sent = dict(record.headers)
    assert sent["x-request-id"] == request_id.encode()
    _version, trace_id, parent_id, _flags = sent["traceparent"].decode().split("-")
    assert (trace_id, parent_id) == (f"{http.context.trace_id:032x}", f"{send.context.span_id:016x}")
