"""Kafka over SASL_SSL (SCRAM): a broker of our own from the same jars, keystore made with keytool.

The broker serves clients on SASL_SSL only (no PLAINTEXT listener); its certificate is signed by
a test CA, and its SCRAM users are created when the storage is formatted (--add-scram).
"""
import logging
import shutil
import threading

import pytest
from kafka import KafkaConsumer, TopicPartition

from chassis.kafka import ConsumerWorker, KafkaPublisher, PublishError
from chassis.kafka.security import KafkaSecurity
from contracts.envelope import decode, make_envelope
from contracts.topics import FEEDBACK_RESPONSES
from devkit.kafka import Broker, SaslSsl, create_topics, metadata_ok
from devkit.procs import free_port
from devkit.tls import make_ca, make_server_keystore

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not shutil.which("keytool"), reason="needs the JDK's keytool")]

USER, PASSWORD = "suite-svc", "scram-test-password"


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory):
    tls = tmp_path_factory.mktemp("tls")
    ca = make_ca(tls / "ca")
    keystore = make_server_keystore(tls, ca, password="keystore-test-password")
    other_ca = make_ca(tls / "other", "someone-elses-ca")
    broker = Broker(port=free_port(), controller_port=free_port(),
                    data_dir=tmp_path_factory.mktemp("secure-kafka"),
                    secure=SaslSsl(keystore, "keystore-test-password", ca.pem, {USER: PASSWORD}))
    broker.start(timeout=150)
    create_topics(broker.bootstrap, {FEEDBACK_RESPONSES: 2}, security=broker.admin_config)
    yield broker, ca.pem, other_ca.pem
    broker.stop()


def environ(ca_file, **overrides) -> dict:
    """The variables an operator sets for a service."""
    return {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SASL_USERNAME": USER, "KAFKA_SASL_PASSWORD": PASSWORD,
            "KAFKA_SSL_CA_FILE": str(ca_file), **overrides}


def answer(run: str, i: int = 0):
    return make_envelope("response.submitted", {
        "response_id": f"{run}-{i}", "invitation_id": f"{run}-inv-{i}", "version": 1, "score": 5,
        "channel": "api", "submitted_at": "2026-01-05T09:00:00Z", "directorate": "Test"}, "test")


def test_publisher_and_consumer_worker_talk_sasl_ssl(secure_broker, unique, wait_for):
    broker, ca, _ = secure_broker
    seen, stop = [], threading.Event()
    worker = ConsumerWorker(broker.bootstrap, f"g-{unique}", [FEEDBACK_RESPONSES],
                            lambda records: seen.extend(decode(r.value).data["response_id"]
                                                        for r in records),
                            client_id="tls-test", retry_backoff_s=0.1,
                            security=KafkaSecurity.from_env(environ(ca, KAFKA_SASL_MECHANISM="SCRAM-SHA-256")))
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    publisher = KafkaPublisher(broker.bootstrap, "tls-test", security=KafkaSecurity.from_env(environ(ca)))
    try:
        publisher.ping()
        publisher.publish_many([answer(unique, i) for i in range(3)])
        wait_for(lambda: sorted(seen) == [f"{unique}-{i}" for i in range(3)], timeout=60,
                 message="the worker consumed all three over SASL_SSL")
    finally:
        publisher.close()
        stop.set()
        thread.join(timeout=30)


def test_kafka_python_gets_the_same_settings_under_its_own_names(secure_broker, unique):
    broker, ca, _ = secure_broker
    KafkaPublisher(broker.bootstrap, "tls-test", security=KafkaSecurity.from_env(environ(ca))) \
        .publish(answer(unique))
    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=20_000,
                             **KafkaSecurity.from_env(environ(ca)).kafka_python())
    try:
        partitions = [TopicPartition(FEEDBACK_RESPONSES, p) for p in range(2)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        assert any(unique.encode() in message.value for message in consumer)
    finally:
        consumer.close()


@pytest.mark.parametrize("case, overrides, cause", [
    ("wrong password", {"KAFKA_SASL_PASSWORD": "not-the-password"}, "SASL authentication error"),
    ("unknown user", {"KAFKA_SASL_USERNAME": "mallory"}, "SASL authentication error"),
    ("untrusted CA", "other_ca", "certificate verify failed"),
])
def test_a_wrong_password_or_untrusted_ca_is_refused_with_the_reason(
        secure_broker, unique, caplog, case, overrides, cause):
    broker, ca, other_ca = secure_broker
    if overrides == "other_ca":
        overrides = {"KAFKA_SSL_CA_FILE": str(other_ca)}
    security = KafkaSecurity.from_env(environ(ca, **overrides))
    publisher = KafkaPublisher(broker.bootstrap, "tls-refused", timeout_s=3, security=security)
    with caplog.at_level(logging.WARNING, logger="chassis.kafka"), \
            pytest.raises(PublishError) as err:
        publisher.publish(answer(unique))
    publisher.close()
    assert cause in str(err.value), str(err.value)
    assert any(cause in r.getMessage() for r in caplog.records)  # logged, not only raised


def test_a_consumer_with_a_wrong_password_logs_why_it_reads_nothing(secure_broker, unique, caplog,
                                                                    wait_for):
    broker, ca, _ = secure_broker
    security = KafkaSecurity.from_env(environ(ca, KAFKA_SASL_PASSWORD="not-the-password"))
    worker = ConsumerWorker(broker.bootstrap, f"g-{unique}", [FEEDBACK_RESPONSES], list,
                            client_id="tls-refused", security=security)
    worker.subscribe()
    try:
        with caplog.at_level(logging.WARNING, logger="chassis.kafka"):
            wait_for(lambda: worker.poll_once() == 0 and any(
                "SASL authentication error" in r.getMessage() for r in caplog.records),
                timeout=30, message="the consumer logged the authentication failure")
    finally:
        worker.close()
    assert not metadata_ok(broker.bootstrap, security.kafka_python())  # nor devkit's admin client


def test_a_plaintext_client_gets_nothing_from_the_sasl_ssl_listener(secure_broker, unique):
    broker, _, _ = secure_broker
    publisher = KafkaPublisher(broker.bootstrap, "plain", timeout_s=2, security=KafkaSecurity())
    with pytest.raises(PublishError):
        publisher.publish(answer(unique))
    publisher.close()
    assert not metadata_ok(broker.bootstrap, {})
