"""KafkaPublisher: queue messages on librdkafka, then wait until the broker confirmed each one."""
import threading
import time
import weakref

from confluent_kafka import KafkaException, Producer

from contracts.envelope import encode

from chassis import tracing
from chassis.kafka import carried
from chassis.kafka.config import PublishError, client_config, outgoing_headers
from chassis.kafka.security import KafkaSecurity, kafka_security


class _Confirmations:
    """The delivery reports of one call; `wait` returns once every message has one."""

    __slots__ = ("expected", "results", "_pending")

    def __init__(self, expected: int):
        self.expected, self.results = expected, []
        self._pending = threading.Lock()  # held until the last report: cheaper than an Event
        self._pending.acquire()

    def __call__(self, err, _message) -> None:
        # list.append is atomic, so a report served on another thread (BufferError) is safe
        self.results.append(err)
        if len(self.results) == self.expected:
            try:
                self._pending.release()
            except RuntimeError:  # both threads saw the last report: released already
                pass

    def wait(self, timeout: float) -> bool:
        return self._pending.acquire(timeout=timeout)

    def failures(self) -> list:
        return [err for err in self.results if err is not None]


class _Producer:
    """One librdkafka producer and the one thread that serves its delivery reports."""

    def __init__(self, config: dict):
        self.producer = Producer(config)
        self.errors = config["error_cb"]
        self.stopping = threading.Event()
        # a weak reference: a publisher nobody closed still goes away (with its thread)
        self._thread = threading.Thread(target=_serve, args=(weakref.ref(self),), daemon=True,
                                        name=f"kafka-poll-{config['client.id']}")
        self._thread.start()

    def stop(self, flush_s: float) -> None:
        """Wait up to flush_s for queued messages (0: purge them, so none lands late)."""
        if flush_s > 0:
            self.producer.flush(flush_s)
        self.producer.purge(in_queue=True, in_flight=True, blocking=False)
        self.stopping.set()
        self._thread.join()
        self.producer.poll(0)  # the purged messages' reports release their waiters


def _serve(ref: weakref.ref) -> None:
    while (owner := ref()) is not None and not owner.stopping.is_set():
        owner.producer.poll(0.1)
        del owner


class KafkaPublisher:
    def __init__(self, bootstrap_servers: str, client_id: str, timeout_s: float = 10.0, *,
                 security: KafkaSecurity | None = None, **config):
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.timeout_s = timeout_s
        # read now, so a bad KAFKA_* variable stops the service at start, not at its first answer
        self.security = security or kafka_security()
        self.config = config
        self._current: _Producer | None = None
        self._lock = threading.Lock()

    def _settings(self) -> dict:
        return {"acks": "all", "enable.idempotence": True, "linger.ms": 2,
                # keyed like the Java client (and kafka-python), so a key keeps its partition
                "partitioner": "murmur2_random",
                # librdkafka retries forever otherwise: give up within the publisher's timeout
                "message.timeout.ms": int(self.timeout_s * 1000),
                **client_config(self.bootstrap_servers, self.client_id, self.config, self.security)}

    def _get(self) -> _Producer:
        current = self._current  # every request asks: no lock once there is a producer
        if current is not None:
            return current
        with self._lock:
            if self._current is None:
                try:
                    self._current = _Producer(self._settings())
                except KafkaException as err:
                    raise PublishError(f"cannot create a producer: {err}") from err
            return self._current

    def publish(self, envelope) -> None:
        self.publish_many([envelope])

    def publish_many(self, envelopes) -> None:
        """Send all, then wait until the broker confirmed each one."""
        self.publish_raw([(e.topic, e.key, encode(e)) for e in envelopes])

    def publish_raw(self, messages) -> None:
        """Send (topic, key, value bytes) triples already encoded, or (topic, key, value,
        stored headers) from an outbox or spool: chassis.kafka.carried.carried_headers() kept
        when the event was written, so the send continues that request's trace."""
        self._send(messages, self.timeout_s + 5)

    def _send(self, messages, wait_s: float, discard_on_failure: bool = False) -> None:
        """Queue every message, then wait up to wait_s for all confirmations (thread-safe);
        each carries its request's id and trace context in its headers."""
        messages = list(messages)
        if not messages:
            return
        if any(len(m) > 3 and m[3] for m in messages):
            with carried.sending(messages) as headed:
                self._confirm(headed, wait_s, discard_on_failure)
            return
        with tracing.producer_span(messages):
            headers = outgoing_headers()
            self._confirm([(*m[:3], headers) for m in messages], wait_s, discard_on_failure)

    def _confirm(self, messages, wait_s: float, discard_on_failure: bool) -> None:
        """Produce (topic, key, value, headers) quadruples and wait for their confirmations."""
        deadline = time.monotonic() + wait_s
        current = self._get()
        confirmations = _Confirmations(len(messages))
        try:
            for topic, key, value, headers in messages:
                self._produce(current.producer, topic, key, value, headers, confirmations, deadline)
            if not confirmations.wait(max(0.0, deadline - time.monotonic())):
                raise PublishError(f"not confirmed within {wait_s:g}s{current.errors.describe()}")
            failures = confirmations.failures()
            if failures:
                raise PublishError(f"not confirmed: {failures[0].name()}: {failures[0].str()}"
                                   f"{current.errors.describe()}")
        except KafkaException as err:  # not even queued; a fatal error ends the producer
            if discard_on_failure or err.args[0].fatal():
                self._discard(current)
            raise PublishError(f"not queued: {err.args[0].str()}{current.errors.describe()}") from err
        except PublishError:
            if discard_on_failure or any(f.fatal() for f in confirmations.failures()):
                self._discard(current)
            raise

    @staticmethod
    def _produce(producer, topic, key, value, headers, on_delivery, deadline) -> None:
        while True:
            try:
                producer.produce(topic, value, key, headers=headers, on_delivery=on_delivery)
                return
            except BufferError:  # the local queue is full: let reports drain it, then retry
                if time.monotonic() >= deadline:
                    raise PublishError("producer queue full") from None
                producer.poll(0.05)

    def _discard(self, producer: _Producer) -> None:
        """Purge what `producer` still holds (queued or in flight) and use a fresh one next time."""
        with self._lock:
            if self._current is not producer:
                return  # another caller already discarded it
            self._current = None
        threading.Thread(target=producer.stop, args=(0,), daemon=True).start()

    def ping(self) -> None:
        from contracts.topics import FEEDBACK_RESPONSES
        current = self._get()
        try:
            metadata = current.producer.list_topics(FEEDBACK_RESPONSES, timeout=self.timeout_s)
        except KafkaException as err:
            raise PublishError(f"broker unreachable: {err.args[0].str()}{current.errors.describe()}") from err
        topic = metadata.topics.get(FEEDBACK_RESPONSES)
        if topic is None or topic.error is not None or not topic.partitions:
            raise PublishError("no metadata from broker")

    def close(self) -> None:
        with self._lock:
            current, self._current = self._current, None
        if current is not None:
            current.stop(flush_s=5)
