"""ConsumerWorker: read a batch, hand it over, commit its offsets only after the handler returned."""
import logging
import threading
import time
from collections import Counter
from contextlib import contextmanager

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

from chassis import metrics, tracing
from chassis.kafka.config import Record, client_config, request_ids_of
from chassis.logs import REQUEST_ID
from chassis.kafka.security import KafkaSecurity

log = logging.getLogger(__name__)


def record_of(message) -> Record:
    """A librdkafka message as a Record: key decoded as UTF-8, value bytes as sent."""
    key = message.key()
    return Record(message.topic(), message.partition(), message.offset(),
                  key.decode("utf-8", "replace") if key is not None else None,
                  message.value(), message.timestamp()[1], _headers(message.headers()))


def _headers(headers) -> tuple | None:
    return tuple(headers) if headers else None


@contextmanager
def handling(records, request_ids: list[str]):
    """A batch's span (continuing its first record's trace) and, when one request sent the whole
    batch, its id on the handler's log lines and on what the handler publishes."""
    token = REQUEST_ID.set(request_ids[0] if len(request_ids) == 1 else None)
    try:
        with tracing.consumer_span(records):
            yield
    finally:
        REQUEST_ID.reset(token)


def records_of(messages) -> list[Record]:
    """The data messages as Records; a consumer error is logged (a fatal one raised)."""
    records = []
    for message in messages:
        err = message.error()
        if err is None:
            records.append(record_of(message))
        elif err.fatal():
            raise KafkaException(err)
        elif err.code() != KafkaError._PARTITION_EOF:
            log.warning("consumer error", extra={"error": err.name(), "topic": message.topic()})
    return records


class ConsumerWorker:
    """Poll a batch, hand it over, commit only after the handler returned."""

    def __init__(self, bootstrap_servers: str, group_id: str, topics, handle_batch, *,
                 client_id: str, max_records: int = 500, auto_offset_reset: str = "earliest",
                 retry_backoff_s: float = 1.0, security: KafkaSecurity | None = None, **config):
        self.topics = list(topics)
        self.handle_batch = handle_batch
        self.max_records = max_records
        self.retry_backoff_s = retry_backoff_s
        self._closed = False
        self._assigned: frozenset = frozenset()
        self.group_id, self._lag_read_at = group_id, 0.0
        self._lag, batch_seconds, self._records, failures = metrics.consumer_metrics()
        self._batch_seconds, self._failures = batch_seconds.labels(group_id), failures.labels(group_id)
        self.consumer = Consumer({
            "group.id": group_id, "enable.auto.commit": False,
            "auto.offset.reset": auto_offset_reset,
            # a member that died is replaced within seconds, as with the Java client's defaults
            "session.timeout.ms": 10_000, "heartbeat.interval.ms": 3_000,
            **client_config(bootstrap_servers, client_id, config, security)})

    def subscribe(self) -> None:
        """Join the group; the rebalance callbacks keep `assignment()` current."""
        self.consumer.subscribe(self.topics, on_assign=self._on_assign,
                                on_revoke=self._on_revoke, on_lost=self._on_revoke)

    def run(self, stop: threading.Event) -> None:
        self.subscribe()
        try:
            while not stop.is_set():
                self.poll_once(stop)
        finally:
            self.close()

    def _on_assign(self, _consumer, partitions) -> None:
        self._assigned = self._assigned | {(tp.topic, tp.partition) for tp in partitions}

    def _on_revoke(self, _consumer, partitions) -> None:
        self._assigned = self._assigned - {(tp.topic, tp.partition) for tp in partitions}
        for tp in partitions:  # another member reports these now
            try:
                self._lag.remove(self.group_id, tp.topic, str(tp.partition))
            except KeyError:
                pass

    def assignment(self) -> list[TopicPartition]:
        """The partitions this worker holds, as its rebalance callbacks saw them.

        Safe from any thread: librdkafka's own assignment() can block behind a running poll.
        """
        return [TopicPartition(topic, partition) for topic, partition in sorted(self._assigned)]

    def poll_once(self, stop: threading.Event | None = None) -> int:
        records = records_of(self._fetch())
        if not records:
            self._read_lag()
            return 0
        first, last = {}, {}
        for r in records:
            first.setdefault((r.topic, r.partition), r.offset)
            last[r.topic, r.partition] = r.offset
        started, request_ids = time.perf_counter(), request_ids_of(records)
        try:
            with handling(records, request_ids):
                self.handle_batch(records)
        except Exception:
            log.exception("batch failed; it will be re-read",
                          extra={"records": len(records), "request_ids": request_ids})
            self._failures.inc()
            self._rewind(first)
            (stop or threading.Event()).wait(self.retry_backoff_s)
            return 0
        elapsed = time.perf_counter() - started
        self._batch_seconds.observe(elapsed)
        # one line a batch: the ids of the requests whose messages it handled
        log.info("batch handled", extra={"records": len(records), "request_ids": request_ids,
                                         "duration_ms": round(elapsed * 1000, 2)})
        self._commit(last, len(records))
        for topic, count in Counter(r.topic for r in records).items():
            self._records.labels(self.group_id, topic).inc(count)
        self._read_lag()
        return len(records)

    def _read_lag(self, every_s: float = 1.0) -> None:
        """Lag per held partition from librdkafka's cached watermarks (no broker round trip),
        at most once a second."""
        now = time.monotonic()
        if now - self._lag_read_at < every_s:
            return
        self._lag_read_at = now
        try:
            for tp in self.consumer.position(self.assignment()):
                high = self.consumer.get_watermark_offsets(tp, cached=True)[1]
                if high >= 0 and tp.offset >= 0:  # both known once the partition was fetched
                    self._lag.labels(self.group_id, tp.topic, str(tp.partition)).set(
                        max(0, high - tp.offset))
        except KafkaException as err:
            log.debug("consumer lag unavailable", extra={"error": str(err)})

    def _fetch(self) -> list:
        """Wait up to 0.5 s for a first message, then take what is already fetched behind it."""
        first = self.consumer.poll(0.5)
        if first is None:
            return []
        if self.max_records == 1:
            return [first]
        return [first, *self.consumer.consume(self.max_records - 1, 0)]

    def _commit(self, last: dict, count: int) -> None:
        offsets = [TopicPartition(t, p, offset + 1) for (t, p), offset in last.items()]
        try:
            failed = [tp for tp in self.consumer.commit(offsets=offsets, asynchronous=False) or ()
                      if tp.error is not None]
        except KafkaException as err:
            failed = [err.args[0]]
        if failed:
            # A rebalance took the partitions away; their new owner re-reads this batch,
            # which idempotent handlers absorb.
            log.warning("commit lost to a rebalance", extra={"records": count, "error": str(failed[0])})

    def _rewind(self, first: dict) -> None:
        for (topic, partition), offset in first.items():
            try:
                self.consumer.seek(TopicPartition(topic, partition, offset))
            except KafkaException as err:  # no longer ours: its new owner starts from the commit
                log.warning("could not rewind", extra={"topic": topic, "error": err.args[0].name()})

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.consumer.close()
