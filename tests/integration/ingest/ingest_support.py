"""Helpers for ingest-svc's stop/restart tests: read a whole topic from a private broker."""
import time

from kafka import KafkaConsumer, TopicPartition

from contracts import decode


def read_all(bootstrap: str, expect_distinct: int, timeout: float = 60.0, topic="feedback.responses"):
    """Every (envelope) on the topic, in per-partition order, once `expect_distinct` event ids arrived."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(parts)
    consumer.seek_to_beginning()
    envelopes, deadline = [], time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500, max_records=5000).values():
                envelopes.extend(decode(r.value) for r in batch)
            if len({e.event_id for e in envelopes}) >= expect_distinct:
                break
    finally:
        consumer.close()
    return envelopes


def dedupe(envelopes):
    """What an idempotent consumer keeps: the first of each event_id, in arrival order."""
    seen, kept = set(), []
    for envelope in envelopes:
        if envelope.event_id not in seen:
            seen.add(envelope.event_id)
            kept.append(envelope)
    return kept


def http(method: str, url: str, body: dict | None = None, headers=None, timeout: float = 10):
    """(status, parsed JSON or None) with the standard library; raises OSError when unreachable."""
    import json
    import urllib.error
    import urllib.request
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        return err.code, None
