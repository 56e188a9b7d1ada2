"""Kafka publisher and consumer worker: acks=all, idempotent, commit after success."""
import json
import logging
import signal
import threading
from dataclasses import dataclass

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata

from contracts.envelope import Envelope, encode, make_envelope

log = logging.getLogger(__name__)


class PublishError(Exception):
    """The broker did not confirm a message."""


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes
    timestamp_ms: int = 0


class KafkaPublisher:
    def __init__(self, bootstrap_servers: str, client_id: str, timeout_s: float = 10.0, **config):
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.timeout_s = timeout_s
        self.config = config
        self._producer = None
        self._lock = threading.Lock()

    def _get(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                try:
                    self._producer = KafkaProducer(
                        bootstrap_servers=self.bootstrap_servers, client_id=self.client_id,
                        acks="all", enable_idempotence=True, linger_ms=2,
                        max_block_ms=int(self.timeout_s * 1000),
                        bootstrap_timeout_ms=int(self.timeout_s * 1000),
                        request_timeout_ms=int(self.timeout_s * 1000),
                        delivery_timeout_ms=int(self.timeout_s * 1000) + 2000, **self.config)
                except KafkaError as err:
                    raise PublishError(f"broker unreachable: {err}") from err
            return self._producer

    def publish(self, envelope: Envelope) -> None:
        self.publish_many([envelope])

    def publish_many(self, envelopes) -> None:
        """Send all, then wait until the broker confirmed each one."""
        self.publish_raw([(e.topic, e.key, encode(e)) for e in envelopes])

    def publish_raw(self, messages) -> None:
        """Send (topic, key, value bytes) triples already encoded, e.g. from an outbox."""
        try:
            producer = self._get()
            futures = [producer.send(topic, value=value,
                                     key=key.encode() if key is not None else None)
                       for topic, key, value in messages]
            for future in futures:
                future.get(timeout=self.timeout_s + 5)
        except KafkaError as err:
            raise PublishError(f"not confirmed: {type(err).__name__}: {err}") from err

    def ping(self) -> None:
        from contracts.topics import FEEDBACK_RESPONSES
        try:
            if not self._get().partitions_for(FEEDBACK_RESPONSES):
                raise PublishError("no metadata from broker")
        except KafkaError as err:
            raise PublishError(f"broker unreachable: {err}") from err

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=5)
                self._producer = None


class ConsumerWorker:
    """Poll a batch, hand it over, commit only after the handler returned."""

    def __init__(self, bootstrap_servers: str, group_id: str, topics, handle_batch, *,
                 client_id: str, max_records: int = 500, auto_offset_reset: str = "earliest",
                 retry_backoff_s: float = 1.0, **config):
        self.topics = list(topics)
        self.handle_batch = handle_batch
        self.max_records = max_records
        self.retry_backoff_s = retry_backoff_s
        self.consumer = KafkaConsumer(
            bootstrap_servers=bootstrap_servers, group_id=group_id, client_id=client_id,
            enable_auto_commit=False, auto_offset_reset=auto_offset_reset, **config)

    def run(self, stop: threading.Event) -> None:
        self.consumer.subscribe(self.topics)
        try:
            while not stop.is_set():
                self.poll_once(stop)
        finally:
            self.close()

    def poll_once(self, stop: threading.Event | None = None) -> int:
        polled = self.consumer.poll(timeout_ms=500, max_records=self.max_records)
        records = [Record(m.topic, m.partition, m.offset,
                          m.key.decode("utf-8", "replace") if m.key is not None else None,
                          m.value, m.timestamp)
                   for batch in polled.values() for m in batch]
        if not records:
            return 0
        try:
            self.handle_batch(records)
        except Exception:
            log.exception("batch failed; it will be re-read", extra={"records": len(records)})
            self._rewind(polled)
            (stop or threading.Event()).wait(self.retry_backoff_s)
            return 0
        try:
            self.consumer.commit({tp: OffsetAndMetadata(batch[-1].offset + 1, "", -1)
                                  for tp, batch in polled.items()})
        except CommitFailedError:
            # A rebalance took the partitions away; their new owner re-reads this batch,
            # which idempotent handlers absorb.
            log.warning("commit lost to a rebalance", extra={"records": len(records)})
        return len(records)

    def _rewind(self, polled) -> None:
        for tp, batch in polled.items():
            self.consumer.seek(tp, batch[0].offset)

    def close(self) -> None:
        self.consumer.close()


def stop_on_signals(stop: threading.Event) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())


def dead_letter(publisher, record: Record, reason: str, errors: dict | None, producer: str) -> None:
    """Keep a message that failed validation on the DLQ, with the reason."""
    value = record.value.decode("utf-8", "replace") if isinstance(record.value, bytes) else str(record.value)
    publisher.publish(make_envelope("message.rejected", {
        "topic": record.topic, "key": record.key, "value": value[:1_000_000],
        "reason": reason[:2000], "errors": json.loads(json.dumps(errors or {}, default=str)),
        "rejected_by": producer}, producer))


__all__ = ["ConsumerWorker", "KafkaPublisher", "PublishError", "Record", "TopicPartition",
           "dead_letter", "stop_on_signals"]
