"""The dead-letter topic on the broker: read to its end, fetch one record, republish, trim."""
import time
from datetime import datetime

from confluent_kafka import KafkaException, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient

from chassis.dlq import REPLAY_HEADER, DeadLetter, parse
from chassis.kafka import client_config


class BrokerUnavailable(Exception):
    """The broker did not answer (or refused) within the timeout."""


class UnknownOffset(LookupError):
    """No record at that position of the dead-letter topic."""


def _failed(action: str, err: KafkaException) -> BrokerUnavailable:
    cause = err.args[0]
    return BrokerUnavailable(f"{action}: {cause.str() if hasattr(cause, 'str') else cause}")


class DeadLetterTopic:
    """One dead-letter topic; assign() only, so no consumer group is joined or committed."""

    def __init__(self, bootstrap_servers: str, topic: str, client_id: str, timeout_s: float = 10.0):
        self.bootstrap_servers, self.topic = bootstrap_servers, topic
        self.client_id, self.timeout_s = client_id, timeout_s
        self.consumer = Consumer(client_config(bootstrap_servers, client_id, {
            "group.id": client_id, "enable.auto.commit": False}))
        try:
            metadata = self.consumer.list_topics(topic, timeout=timeout_s)
        except KafkaException as err:
            self.close()
            raise _failed(f"broker {bootstrap_servers} unreachable", err) from None
        found = metadata.topics.get(topic)
        if found is None or found.error is not None or not found.partitions:
            self.close()
            raise BrokerUnavailable(f"topic {topic} not found on {bootstrap_servers}")
        self.partitions = sorted(found.partitions)
        self.marks = {p: self._watermarks(p) for p in self.partitions}

    def _watermarks(self, partition: int) -> tuple[int, int]:
        try:
            return self.consumer.get_watermark_offsets(TopicPartition(self.topic, partition),
                                                       timeout=self.timeout_s)
        except KafkaException as err:
            raise _failed("cannot read the topic's offsets", err) from None

    @property
    def total(self) -> int:
        return sum(high - low for low, high in self.marks.values())

    def first_at(self, moment: datetime) -> dict[int, int]:
        """{partition: first offset at or after `moment`} (the end when none is)."""
        ms = int(moment.timestamp() * 1000)
        try:
            found = self.consumer.offsets_for_times(
                [TopicPartition(self.topic, p, ms) for p in self.partitions], timeout=self.timeout_s)
        except KafkaException as err:
            raise _failed("cannot look up offsets by time", err) from None
        return {tp.partition: tp.offset if tp.offset >= 0 else self.marks[tp.partition][1]
                for tp in found}

    def scan(self, since: datetime | None = None, on_record=None):
        """Yield every DeadLetter from the start (or `since`) to the end offsets read at start."""
        start = {p: low for p, (low, _) in self.marks.items()}
        if since is not None:
            start = {p: max(start[p], offset) for p, offset in self.first_at(since).items()}
        end = {p: high for p, (_, high) in self.marks.items()}
        remaining = {p for p in self.partitions if start[p] < end[p]}
        self.consumer.assign([TopicPartition(self.topic, p, start[p]) for p in remaining])
        idle_until = time.monotonic() + self.timeout_s
        while remaining:
            messages = self.consumer.consume(500, 1.0)
            if messages:
                idle_until = time.monotonic() + self.timeout_s
            elif time.monotonic() > idle_until:
                raise BrokerUnavailable(f"no records from {self.topic} within {self.timeout_s:g}s")
            for message in messages:
                if message.error() is not None:
                    if message.error().fatal():
                        raise _failed("reading the topic failed", KafkaException(message.error()))
                    continue
                p, offset = message.partition(), message.offset()
                if p in remaining and offset < end[p]:
                    if on_record:
                        on_record()
                    yield parse(self.topic, p, offset, message.timestamp()[1], message.value())
                if offset >= end[p] - 1:
                    remaining.discard(p)
            # the end may be a transaction marker no message stands for
            for tp in self.consumer.position([TopicPartition(self.topic, p) for p in remaining]):
                if tp.offset >= end[tp.partition]:
                    remaining.discard(tp.partition)
        self.consumer.unassign()

    def fetch(self, partition: int, offset: int) -> DeadLetter:
        """The record at partition:offset; UnknownOffset when the topic holds none there."""
        low, high = self.marks.get(partition, (0, 0))
        if not low <= offset < high:
            held = f"{partition}:{low}-{partition}:{high - 1}" if high > low else "nothing"
            raise UnknownOffset(f"no record at {partition}:{offset} of {self.topic} (it holds {held})")
        self.consumer.assign([TopicPartition(self.topic, partition, offset)])
        deadline = time.monotonic() + self.timeout_s
        try:
            while time.monotonic() < deadline:
                message = self.consumer.poll(0.5)
                if message is None or message.error() is not None:
                    continue
                if message.offset() >= offset:
                    if message.offset() != offset:  # compacted away or a transaction marker
                        break
                    return parse(self.topic, partition, offset, message.timestamp()[1],
                                 message.value())
        finally:
            self.consumer.unassign()
        raise UnknownOffset(f"no record at {partition}:{offset} of {self.topic}")

    def republish(self, letters: list[DeadLetter]) -> list[tuple[bool, str]]:
        """Send each letter's value to its source topic with its key, marked with the
        REPLAY_HEADER, and wait for the confirmations: per letter (sent, where it landed as
        partition:offset or why not)."""
        producer = Producer(client_config(self.bootstrap_servers, self.client_id, {
            "acks": "all", "enable.idempotence": True, "linger.ms": 2,
            # as KafkaPublisher: a key keeps its partition
            "partitioner": "murmur2_random", "message.timeout.ms": int(self.timeout_s * 1000)}))
        outcomes: list = [(False, "not confirmed in time")] * len(letters)

        def report(index):
            def done(err, message):
                outcomes[index] = ((False, err.str()) if err is not None
                                   else (True, f"{message.partition()}:{message.offset()}"))
            return done
        try:
            for index, letter in enumerate(letters):
                producer.produce(letter.source_topic, (letter.value or "").encode("utf-8"),
                                 letter.key, headers=[(REPLAY_HEADER, letter.ref.encode())],
                                 on_delivery=report(index))
            producer.flush(self.timeout_s + 5)
        except (KafkaException, BufferError) as err:
            producer.purge()
            producer.flush(1)
            raise BrokerUnavailable(f"replay not sent: {err}") from None
        producer.purge()  # nothing unconfirmed lands later, unrecorded
        producer.flush(1)
        return outcomes

    def trim(self, before: dict[int, int]) -> dict[int, int]:
        """Delete every record before the given offset of each partition; {partition: new start}."""
        admin = AdminClient(client_config(self.bootstrap_servers, self.client_id, {}))
        futures = admin.delete_records([TopicPartition(self.topic, p, o) for p, o in before.items()],
                                       request_timeout=self.timeout_s,
                                       operation_timeout=self.timeout_s)
        try:
            return {tp.partition: future.result().low_watermark for tp, future in futures.items()}
        except KafkaException as err:
            raise _failed("purge failed", err) from None

    def close(self) -> None:
        self.consumer.close()
