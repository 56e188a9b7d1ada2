"""OpenTelemetry traces across HTTP, Kafka and the database: off unless the standard OTEL_*
variables ask for export, and then the W3C trace context travels in Kafka record headers.

Off means no tracer provider, no exporter and no work: every helper here returns at once.
"""
import logging
import os
from contextlib import nullcontext

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger(__name__)
TRACE_HEADERS = ("traceparent", "tracestate")
_PROPAGATOR = TraceContextTextMapPropagator()
_provider = None  # the SDK's TracerProvider while tracing is on
_tracer = None


def export_configured(environ=os.environ) -> bool:
    """Whether the standard variables ask for spans to leave the process."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters:
        return exporters != "none"
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
                or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def configure_tracing(service: str, exporter=None) -> bool:
    """Trace this process when export is configured, or into `exporter` (tests: the SDK's
    InMemorySpanExporter, exported synchronously); returns whether it now traces."""
    global _provider, _tracer
    shutdown_tracing()
    if exporter is None and not export_configured():
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    # The sampler comes from OTEL_TRACES_SAMPLER (parent-based, always on by default).
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        for configured in _exporters(os.environ):
            # batched in a thread of its own, which the SDK restarts in forked granian workers
            provider.add_span_processor(BatchSpanProcessor(configured))
    _provider, _tracer = provider, provider.get_tracer("chassis")
    return True


def _exporters(environ) -> list:
    names = [n.strip() for n in environ.get("OTEL_TRACES_EXPORTER", "otlp").lower().split(",")]
    found = []
    for name in filter(None, names):
        if name == "otlp":
            if environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf") != "http/protobuf":
                log.warning("only OTLP over http/protobuf is installed; using it")
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            found.append(OTLPSpanExporter())  # endpoint, headers, timeout: OTEL_EXPORTER_OTLP_*
        elif name == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter
            found.append(ConsoleSpanExporter())
        elif name != "none":
            log.warning("unknown OTEL_TRACES_EXPORTER ignored", extra={"exporter": name})
    return found


def shutdown_tracing() -> None:
    """Export what is pending and stop tracing."""
    global _provider, _tracer
    provider, _provider, _tracer = _provider, None, None
    if provider is not None:
        provider.shutdown()


def enabled() -> bool:
    return _tracer is not None


def span(name: str, kind: SpanKind = SpanKind.INTERNAL, **attributes):
    """A span made current for the `with` block (nothing at all when tracing is off)."""
    if _tracer is None:
        return nullcontext()
    return _tracer.start_as_current_span(name, kind=kind, attributes=attributes)


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) in hex of the current span, for log lines."""
    if _tracer is None:
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


# --- HTTP -------------------------------------------------------------------------------------

def start_server_span(name: str, headers, **attributes):
    """A request's span, continuing the caller's traceparent if sent; made current until
    end_server_span(handle, ...). None when tracing is off."""
    if _tracer is None:
        return None
    parent = _PROPAGATOR.extract(headers)
    started = _tracer.start_span(name, context=parent, kind=SpanKind.SERVER, attributes=attributes)
    return started, otel_context.attach(trace.set_span_in_context(started, parent))


def end_server_span(handle, status: int | None, error: BaseException | None = None) -> None:
    if handle is None:
        return
    started, token = handle
    if status is not None:
        started.set_attribute("http.response.status_code", status)
    if error is not None:
        started.record_exception(error)
    if error is not None or (status or 0) >= 500:
        started.set_status(Status(StatusCode.ERROR))
    otel_context.detach(token)
    started.end()


# --- Kafka ------------------------------------------------------------------------------------

def producer_span(messages):
    """The span of one publish call (its messages carry its context)."""
    if _tracer is None:
        return nullcontext()
    topics = sorted({topic for topic, *_ in messages})
    return _tracer.start_as_current_span(
        f"send {topics[0]}" if len(topics) == 1 else "send", kind=SpanKind.PRODUCER,
        attributes={"messaging.system": "kafka", "messaging.operation.type": "send",
                    "messaging.destination.name": ",".join(topics),
                    "messaging.batch.message_count": len(messages)})


def inject(headers: list) -> None:
    """Add the current span's W3C trace context to Kafka headers [(name, bytes)]."""
    if _tracer is None:
        return
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    headers.extend((name, value.encode("ascii")) for name, value in carrier.items())


def extract(headers):
    """The trace context in Kafka headers, or None."""
    if not headers:
        return None
    carrier = {name: value.decode("ascii", "replace") for name, value in headers
               if name in TRACE_HEADERS and value is not None}
    if "traceparent" not in carrier:
        return None
    context = _PROPAGATOR.extract(carrier)
    return context if trace.get_current_span(context).get_span_context().is_valid else None


def consumer_span(records):
    """A consumed batch's span. It continues the trace of the batch's first traced record and
    links the others' (OTel's convention for batches: a span has one parent), so with one
    record in a batch the whole path from the HTTP request to the commit is one trace."""
    if _tracer is None:
        return nullcontext()
    contexts = [c for c in (extract(r.headers) for r in records) if c is not None]
    spans = [trace.get_current_span(c).get_span_context() for c in contexts]
    seen, links = {spans[0].span_id} if spans else set(), []
    for linked in spans[1:]:
        if linked.span_id not in seen:
            seen.add(linked.span_id)
            links.append(Link(linked))
    topics = sorted({r.topic for r in records})
    return _tracer.start_as_current_span(
        f"process {topics[0]}" if len(topics) == 1 else "process", kind=SpanKind.CONSUMER,
        context=contexts[0] if contexts else otel_context.Context(), links=links,
        attributes={"messaging.system": "kafka", "messaging.operation.type": "process",
                    "messaging.destination.name": ",".join(topics),
                    "messaging.batch.message_count": len(records)})


# --- the database -----------------------------------------------------------------------------

def traced_commit(session) -> None:
    """session.commit() inside a client span (the consumer's database write)."""
    if _tracer is None:
        session.commit()
        return
    bind = session.get_bind()
    with _tracer.start_as_current_span("COMMIT", kind=SpanKind.CLIENT, attributes={
            "db.system.name": bind.dialect.name, "db.operation.name": "COMMIT"}):
        session.commit()
