"""Headers kept with an event that is published later (an outbox row, a spool record): the
writing request's id and trace context, so the later send continues that request's trace."""
import json
from contextlib import ExitStack, contextmanager

from opentelemetry import context as otel_context

from chassis import tracing
from chassis.kafka.config import REQUEST_ID_HEADER, outgoing_headers

CARRIED = (REQUEST_ID_HEADER, *tracing.TRACE_HEADERS)
_LONGEST = 512  # W3C allows tracestate 512 characters; request ids are 64 at most


def carried_headers() -> dict[str, str] | None:
    """The current request's id and trace context as text, to store with an event."""
    headers = outgoing_headers()
    if not headers:
        return None
    return {name: value.decode("ascii", "replace") for name, value in headers}


def dumps(stored: dict[str, str] | None) -> str | None:
    return None if not stored else json.dumps(stored, separators=(",", ":"), sort_keys=True)


def loads(text) -> dict[str, str] | None:
    """Stored headers back from text; unreadable ones are none (they must not stop a publish)."""
    if not text:
        return None
    try:
        stored = json.loads(text)
    except ValueError:
        return None
    return stored if isinstance(stored, dict) else None


def kafka_headers(stored) -> list | None:
    """Stored headers as Kafka's [(name, bytes)]: only the carried names, plain short text."""
    if not isinstance(stored, dict):
        return None
    headers = [(name, value.encode("ascii")) for name in CARRIED
               if isinstance(value := stored.get(name), str) and value.isascii()
               and 0 < len(value) <= _LONGEST]
    return headers or None


@contextmanager
def sending(messages):
    """(topic, key, value[, stored headers]) -> (topic, key, value, Kafka headers), inside one
    send span per stored origin whose parent is the stored trace context (messages stored
    without headers: one span in the current context, the current request's headers)."""
    groups: dict = {}
    for index, (_topic, _key, _value, *stored) in enumerate(messages):
        stored = stored[0] if stored else None
        origin = tuple(sorted(stored.items())) if isinstance(stored, dict) and stored else None
        groups.setdefault(origin, (stored, []))[1].append(index)
    out = [None] * len(messages)
    with ExitStack() as spans:
        for origin, (stored, indexes) in groups.items():
            group = [messages[i][:3] for i in indexes]
            headers = _headers(spans, stored if origin else None, group)
            for i, (topic, key, value) in zip(indexes, group):
                out[i] = (topic, key, value, headers)
        yield out


def _headers(spans: ExitStack, stored, group) -> list | None:
    if stored is None:
        spans.enter_context(tracing.producer_span(group))
        return outgoing_headers()
    found = kafka_headers(stored)
    if not tracing.enabled():
        return found  # this process does not trace: pass the writer's context on unchanged
    parent = tracing.extract(found)
    if parent is not None:
        # contexts attach and detach in stack order: the ExitStack unwinds each group's span,
        # then its parent, before the group opened earlier
        spans.callback(otel_context.detach, otel_context.attach(parent))
    spans.enter_context(tracing.producer_span(group))
    headers = [(name, value) for name, value in found or () if name == REQUEST_ID_HEADER]
    tracing.inject(headers)
    return headers or None
