"""Settings handed to librdkafka (TLS/SASL from KAFKA_* included), and messages turned into Records."""
import logging

import pytest
from confluent_kafka import KafkaError

from chassis.kafka import KafkaPublisher, client_config, record_of, records_of
from chassis.kafka.security import KafkaSecurity, kafka_security
from chassis.settings import SettingsError


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

    def headers(self):
        return None

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


SASL_SSL = {"KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
            "KAFKA_SASL_USERNAME": "survey-svc", "KAFKA_SASL_PASSWORD": "s3cret"}


@pytest.fixture
def ca_file(tmp_path):
    path = tmp_path / "ca.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n")
    return str(path)


def test_plaintext_is_the_default_and_adds_nothing():
    security = KafkaSecurity.from_env({})
    assert security.protocol == "PLAINTEXT"
    assert security.librdkafka() == {} and security.kafka_python() == {}
    assert not any(key.startswith(("security.", "sasl.", "ssl.")) for key in
                   client_config("h:9092", "svc", {}, security))


def test_sasl_ssl_variables_become_librdkafka_and_kafka_python_settings(ca_file):
    security = KafkaSecurity.from_env({**SASL_SSL, "KAFKA_SSL_CA_FILE": ca_file})
    config = client_config("h:9092", "svc", {"session_timeout_ms": 6000}, security)
    assert {k: v for k, v in config.items() if k.startswith(("security.", "sasl.", "ssl."))} == {
        "security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-256",
        "sasl.username": "survey-svc", "sasl.password": "s3cret", "ssl.ca.location": ca_file,
        "ssl.endpoint.identification.algorithm": "https"}
    assert security.kafka_python() == {
        "security_protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_plain_username": "survey-svc", "sasl_plain_password": "s3cret",
        "ssl_cafile": ca_file, "ssl_check_hostname": True}


def test_a_client_certificate_for_ssl_without_sasl(ca_file):
    security = KafkaSecurity.from_env({"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CA_FILE": ca_file,
                                       "KAFKA_SSL_CERT_FILE": ca_file, "KAFKA_SSL_KEY_FILE": ca_file,
                                       "KAFKA_SSL_KEY_PASSWORD": "k", "KAFKA_SSL_CHECK_HOSTNAME": "false"})
    assert security.librdkafka() == {
        "security.protocol": "ssl", "ssl.endpoint.identification.algorithm": "none",
        "ssl.ca.location": ca_file, "ssl.certificate.location": ca_file,
        "ssl.key.location": ca_file, "ssl.key.password": "k"}
    assert security.kafka_python()["ssl_password"] == "k"


@pytest.mark.parametrize("environ, named", [
    ({"KAFKA_SECURITY_PROTOCOL": "TLS"}, "KAFKA_SECURITY_PROTOCOL"),
    ({**SASL_SSL, "KAFKA_SASL_MECHANISM": "GSSAPI"}, "KAFKA_SASL_MECHANISM"),
    ({**SASL_SSL, "KAFKA_SASL_PASSWORD": ""}, "KAFKA_SASL_PASSWORD"),
    ({**SASL_SSL, "KAFKA_SSL_CA_FILE": "/no/such/ca.pem"}, "KAFKA_SSL_CA_FILE"),
    ({"KAFKA_SASL_USERNAME": "u", "KAFKA_SASL_PASSWORD": "p"}, "KAFKA_SASL_USERNAME"),
    ({"KAFKA_SSL_CA_FILE": "{ca}"}, "KAFKA_SSL_CA_FILE"),
    ({"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CERT_FILE": "{ca}"}, "KAFKA_SSL_KEY_FILE"),
    ({**SASL_SSL, "KAFKA_SSL_CHECK_HOSTNAME": "maybe"}, "KAFKA_SSL_CHECK_HOSTNAME"),
])
def test_a_bad_or_contradictory_setting_is_refused_by_name(environ, named, ca_file):
    environ = {k: v.format(ca=ca_file) for k, v in environ.items()}
    with pytest.raises(SettingsError) as err:
        KafkaSecurity.from_env(environ)
    assert named in str(err.value)


def test_secrets_stay_out_of_repr():
    security = KafkaSecurity.from_env({**SASL_SSL})
    assert "s3cret" not in repr(security) and "survey-svc" in repr(security)


def test_publisher_and_workers_read_the_variables_once(monkeypatch):
    """Services pass nothing new: the KAFKA_* variables reach every client."""
    for name, value in SASL_SSL.items():
        monkeypatch.setenv(name, value)
    kafka_security.cache_clear()
    try:
        assert client_config("h:9092", "svc", {})["sasl.username"] == "survey-svc"
        monkeypatch.setenv("KAFKA_SASL_USERNAME", "changed-later")
        assert KafkaPublisher("h:9092", "svc").security.sasl_username == "survey-svc"
    finally:
        kafka_security.cache_clear()


def test_a_bad_variable_stops_a_publisher_at_construction(monkeypatch):
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    kafka_security.cache_clear()
    try:
        with pytest.raises(SettingsError, match="KAFKA_SASL_USERNAME"):
            KafkaPublisher("h:9092", "svc")
    finally:
        kafka_security.cache_clear()


def test_broker_errors_are_logged_once_and_kept_for_publish_errors(caplog):
    errors = client_config("h:9092", "svc", {})["error_cb"]
    auth = KafkaError(KafkaError._AUTHENTICATION, "SASL authentication error: invalid credentials")
    with caplog.at_level(logging.WARNING, logger="chassis.kafka"):
        for err in [KafkaError(KafkaError._TRANSPORT, "connection refused"), auth, auth, auth]:
            errors(err)
    assert [r.getMessage() for r in caplog.records] == [
        "kafka client error: SASL authentication error: invalid credentials"]
    assert errors.describe() == (" (last broker error: _AUTHENTICATION: "
                                 "SASL authentication error: invalid credentials)")
