"""chassis.tracing: off by default, OTLP only when configured, trace context through Kafka headers."""
import io
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.orm import Session

from chassis import tracing
from chassis.kafka.config import REQUEST_ID_HEADER, Record, outgoing_headers, request_ids_of
from chassis.kafka.consumer import handling
from chassis.logs import REQUEST_ID, configure_logging

OTEL_VARIABLES = ("OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT",
                  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL")


@pytest.fixture(autouse=True)
def untraced(monkeypatch):
    for name in OTEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield
    tracing.shutdown_tracing()
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    assert tracing.configure_tracing("test-svc", exporter=exporter)
    return exporter


def test_nothing_configured_means_no_exporter_and_no_work():
    configure_logging("test-svc", "INFO", stream=io.StringIO())  # the services' setup
    assert not tracing.enabled()
    assert not isinstance(trace.get_tracer_provider(), TracerProvider)  # the API's no-op one
    with tracing.span("unused"), tracing.producer_span([("t", None, b"")]):
        assert not trace.get_current_span().get_span_context().is_valid
    assert outgoing_headers() is None
    assert tracing.current_ids() is None


@pytest.mark.parametrize(("environ", "configured"), [
    ({}, False),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
    ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
    ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
    ({"OTEL_TRACES_EXPORTER": "console"}, True),
    ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
    ({"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
])
def test_export_only_when_the_standard_variables_ask(environ, configured):
    assert tracing.export_configured(environ) is configured


class _Collector(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_an_otlp_endpoint_receives_the_spans_over_http(monkeypatch):
    collector = HTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{collector.server_port}")
    try:
        assert tracing.configure_tracing("test-svc")
        with tracing.span("checked"):
            pass
        tracing.shutdown_tracing()  # flushes the batch
    finally:
        collector.shutdown()
    [(path, content_type, body)] = _Collector.received
    assert (path, content_type) == ("/v1/traces", "application/x-protobuf")
    assert b"checked" in body and b"test-svc" in body


def _record(headers, topic="feedback.responses", offset=0):
    return Record(topic, 0, offset, None, b"{}", 0, tuple(headers) if headers else None)


def test_a_publish_carries_the_request_id_and_its_send_spans_context(spans):
    token = REQUEST_ID.set("req-1")
    try:
        with tracing.producer_span([("feedback.responses", "k", b"{}")]) as send:
            headers = outgoing_headers()
    finally:
        REQUEST_ID.reset(token)
    names = dict(headers)
    assert names[REQUEST_ID_HEADER] == b"req-1"
    trace_id, span_id = (format(send.get_span_context().trace_id, "032x"),
                         format(send.get_span_context().span_id, "016x"))
    assert names["traceparent"].startswith(f"00-{trace_id}-{span_id}-".encode())
    [finished] = spans.get_finished_spans()
    assert (finished.name, finished.kind) == ("send feedback.responses", trace.SpanKind.PRODUCER)


def test_a_batch_continues_its_first_records_trace_and_links_the_others(spans):
    sent = []
    for request_id in ("a", "b"):
        token = REQUEST_ID.set(request_id)
        with tracing.producer_span([("feedback.responses", None, b"")]):
            sent.append(outgoing_headers())
        REQUEST_ID.reset(token)
    records = [_record(sent[0]), _record(None, offset=1), _record(sent[1], offset=2)]
    assert request_ids_of(records) == ["a", "b"]
    with handling(records, request_ids_of(records)):
        assert REQUEST_ID.get() is None  # two requests: the batch line names both
        with tracing.span("inside"):
            pass
    first_send, second_send, inside, process = spans.get_finished_spans()
    assert process.name == "process feedback.responses"
    assert process.context.trace_id == first_send.context.trace_id
    assert process.parent.span_id == first_send.context.span_id
    assert [link.context.span_id for link in process.links] == [second_send.context.span_id]
    assert process.attributes["messaging.batch.message_count"] == 3
    assert inside.parent.span_id == process.context.span_id


def test_one_requests_batch_puts_its_id_on_the_handlers_log_lines(spans):
    token = REQUEST_ID.set("only")
    headers = outgoing_headers()
    REQUEST_ID.reset(token)
    with handling([_record(headers)], ["only"]):
        assert REQUEST_ID.get() == "only"
    assert REQUEST_ID.get() is None


def test_garbage_headers_start_no_trace(spans):
    assert tracing.extract(((("traceparent", b"00-nonsense-01")),)) is None
    assert tracing.extract(None) is None
    with handling([_record([("traceparent", b"junk")])], []):
        pass
    [process] = spans.get_finished_spans()
    assert process.parent is None


def test_a_commit_is_a_client_span_named_after_the_database(spans):
    engine = sa.create_engine("sqlite://")
    with Session(engine) as session:
        session.execute(sa.text("CREATE TABLE t (x INTEGER)"))
        session.execute(sa.text("INSERT INTO t VALUES (1)"))
        tracing.traced_commit(session)
        assert session.execute(sa.text("SELECT count(*) FROM t")).scalar() == 1
    [commit] = spans.get_finished_spans()
    assert (commit.name, commit.kind, commit.attributes["db.system.name"]) == (
        "COMMIT", trace.SpanKind.CLIENT, "sqlite")
