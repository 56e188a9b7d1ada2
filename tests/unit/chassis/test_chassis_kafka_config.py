"""Settings handed to librdkafka, and messages turned into Records."""
import logging

from confluent_kafka import KafkaError

from chassis.kafka import client_config, record_of, records_of


class Message:
    """What confluent-kafka's consumer returns, as far as Records need it."""

    def __init__(self, key, value=b"{}", offset=7, error=None):
        self._key, self._value, self._offset, self._error = key, value, offset, error

    def key(self):
        return self._key

    def value(self):
        return self._value

    def topic(self):
        return "feedback.responses"

    def partition(self):
        return 3

    def offset(self):
        return self._offset

    def timestamp(self):
        return (1, 1_700_000_000_000)

    def error(self):
        return self._error


def test_keywords_in_kafka_python_style_become_librdkafka_keys():
    config = client_config("h:9092", "svc", {"max_poll_interval_ms": 600_000,
                                             "session.timeout.ms": 6000})
    assert config["bootstrap.servers"] == "h:9092" and config["client.id"] == "svc"
    assert config["max.poll.interval.ms"] == 600_000 and config["session.timeout.ms"] == 6000
    assert config["logger"].name == "chassis.kafka.librdkafka"


def test_a_record_has_the_key_decoded_and_the_value_as_sent():
    record = record_of(Message("inv-1".encode(), b'{"a": 1}'))
    assert (record.topic, record.partition, record.offset) == ("feedback.responses", 3, 7)
    assert (record.key, record.value, record.timestamp_ms) == ("inv-1", b'{"a": 1}', 1_700_000_000_000)
    assert record_of(Message(None)).key is None
    assert record_of(Message(b"\xff")).key == "\ufffd"


def test_consumer_errors_are_skipped_and_logged(caplog):
    eof = Message(None, error=KafkaError(KafkaError._PARTITION_EOF))
    broken = Message(None, error=KafkaError(KafkaError.UNKNOWN_TOPIC_OR_PART))
    with caplog.at_level(logging.WARNING, logger="chassis.kafka"):
        records = records_of([Message(b"k", offset=1), eof, broken, Message(b"k", offset=2)])
    assert [r.offset for r in records] == [1, 2]
    assert [r.getMessage() for r in caplog.records] == ["consumer error"]


def test_librdkafka_lines_per_failed_connection_are_dropped(caplog):
    log = client_config("h:9092", "svc", {})["logger"]
    with caplog.at_level(logging.WARNING, logger=log.name):
        log.error("%s [%s] %s", "FAIL", "svc#producer-1", "Connect to h:9092 failed")
        log.warning("%s [%s] %s", "CONFWARN", "svc#producer-1", "unknown property")
    assert [r.getMessage().split()[0] for r in caplog.records] == ["CONFWARN"]
