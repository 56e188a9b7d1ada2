"""bench_ingest's baselines: the same events pushed straight to the broker, no HTTP, no service.

The issue's baseline is the raw kafka-python producer; confluent-kafka (librdkafka, what the
services use) is measured for context. Every event is acknowledged (acks=all, idempotent).
"""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from ingest_load import answer


def envelopes_for(count: int) -> list:
    from contracts import make_envelope
    now = datetime.now(timezone.utc).isoformat()
    return [make_envelope("response.submitted", {
        **answer(n), "response_id": uuid.uuid4().hex, "version": 1, "channel": "bench",
        "submitted_at": now}, "bench") for n in range(count)]


def kafka_python(bootstrap: str, count: int, waiters: int | None, encoded: bool = False) -> float:
    """Events/s through kafka-python, each encoded in the timed loop as the service must
    (`encoded`: bytes made beforehand, the transport alone). Pipelined when waiters is None, else
    each of `waiters` threads sends one and awaits its ack before the next, as a request does."""
    from contracts import encode
    from kafka import KafkaProducer
    envelopes = envelopes_for(count)
    ready = [(e.topic, e.key.encode(), encode(e)) for e in envelopes] if encoded else None
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                             linger_ms=2)
    producer.send(envelopes[0].topic, value=encode(envelopes[0])).get(timeout=60)  # connect first

    def send(e):
        return producer.send(e.topic, value=encode(e), key=e.key.encode())
    started = time.perf_counter()
    if waiters is None:
        futures = ([producer.send(t, value=v, key=k) for t, k, v in ready] if encoded
                   else [send(e) for e in envelopes])
        for future in futures:
            future.get(timeout=60)
    else:
        with ThreadPoolExecutor(waiters) as pool:
            list(pool.map(lambda e: send(e).get(timeout=60), envelopes))
    elapsed = time.perf_counter() - started
    producer.close()
    return count / elapsed


def confluent(bootstrap: str, count: int) -> float | None:
    """Events/s through confluent-kafka, encoded in the timed loop, pipelined, all acked."""
    try:
        from confluent_kafka import Producer
    except ImportError:
        return None
    from contracts import encode
    envelopes, failed = envelopes_for(count), []
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                         "linger.ms": 2})

    def acked(err, _msg):
        if err is not None:
            failed.append(err)
    producer.produce(envelopes[0].topic, encode(envelopes[0]), on_delivery=acked)
    producer.flush(60)  # connect first
    started = time.perf_counter()
    for e in envelopes:
        while True:
            try:
                producer.produce(e.topic, encode(e), e.key.encode(), on_delivery=acked)
                break
            except BufferError:  # the local queue is full: let deliveries drain it
                producer.poll(0.01)
        producer.poll(0)
    remaining = producer.flush(60)
    elapsed = time.perf_counter() - started
    assert remaining == 0 and not failed, f"{remaining} unacknowledged, {len(failed)} failed"
    return count / elapsed
