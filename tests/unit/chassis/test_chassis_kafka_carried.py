"""chassis.kafka.carried: headers stored with an event are sent with it later, in a send span per
stored origin whose parent is the stored context; a process that does not trace passes them on."""
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from chassis import tracing
from chassis.kafka import carried
from chassis.logs import REQUEST_ID

FIRST = {"x-request-id": "req-1", "traceparent": f"00-{'a' * 32}-{'b' * 16}-01"}
SECOND = {"x-request-id": "req-2", "traceparent": f"00-{'c' * 32}-{'d' * 16}-01"}


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    assert tracing.configure_tracing("test-svc", exporter=exporter)
    yield exporter
    tracing.shutdown_tracing()


def parts(traceparent: bytes) -> tuple[str, str]:
    _version, trace_id, parent_id, _flags = traceparent.decode().split("-")
    return trace_id, parent_id


def test_stored_headers_are_what_the_request_had():
    token = REQUEST_ID.set("req-9")
    try:
        assert carried.carried_headers() == {"x-request-id": "req-9"}  # tracing off: the id only
    finally:
        REQUEST_ID.reset(token)
    assert carried.carried_headers() is None
    assert carried.loads(carried.dumps(FIRST)) == FIRST
    assert carried.loads("{not json") is None and carried.loads("[1]") is None


def test_each_origin_gets_its_own_send_span_continuing_its_trace(spans):
    messages = [("t", "a", b"1", FIRST), ("t", "b", b"2", SECOND), ("t", "c", b"3", FIRST),
                ("t", "d", b"4", None)]
    with carried.sending(messages) as sent:
        pass
    assert [m[:3] for m in sent] == [m[:3] for m in messages]  # order kept
    by_trace = {s.context.trace_id: s for s in spans.get_finished_spans()}
    first, second = by_trace[int("a" * 32, 16)], by_trace[int("c" * 32, 16)]
    assert (first.parent.span_id, second.parent.span_id) == (int("b" * 16, 16), int("d" * 16, 16))
    assert first.kind == second.kind == SpanKind.PRODUCER
    assert first.attributes["messaging.batch.message_count"] == 2
    assert len(spans.get_finished_spans()) == 3  # and one for the message stored without
    headers = [dict(m[3] or ()) for m in sent]
    assert headers[0] == headers[2] and headers[0]["x-request-id"] == b"req-1"
    assert parts(headers[0]["traceparent"]) == ("a" * 32, f"{first.context.span_id:016x}")
    assert parts(headers[1]["traceparent"]) == ("c" * 32, f"{second.context.span_id:016x}")
    assert headers[1]["x-request-id"] == b"req-2"


def test_a_process_that_does_not_trace_passes_the_stored_context_on():
    junk = {**FIRST, "authorization": "Bearer x", "tracestate": "é"}
    with carried.sending([("t", "a", b"1", junk)]) as sent:
        pass
    assert sent == [("t", "a", b"1", [("x-request-id", b"req-1"),
                                      ("traceparent", FIRST["traceparent"].encode())])]
