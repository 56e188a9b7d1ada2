"""Kafka on librdkafka (confluent-kafka): acks=all idempotent publisher, commit-after-success worker."""
import json
import signal
import threading

from confluent_kafka import TopicPartition

from contracts.envelope import make_envelope

from chassis import metrics
from chassis.kafka.config import PublishError, Record, client_config
from chassis.kafka.consumer import ConsumerWorker, record_of, records_of
from chassis.kafka.publisher import KafkaPublisher


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
    metrics.count_dead_letter(producer, record.topic, reason)


__all__ = ["ConsumerWorker", "KafkaPublisher", "PublishError", "Record", "TopicPartition",
           "client_config", "dead_letter", "record_of", "records_of", "stop_on_signals"]
