"""Smoke tests of the local infrastructure every other test relies on."""
import smtplib
import urllib.request
from email.message import EmailMessage

import psycopg
import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from contracts.topics import RETENTION_MS, TOPICS
from devkit.kafka import create_topics, topic_partitions
from devkit.mailcatcher import MailCatcher
from devkit.procs import free_port

pytestmark = pytest.mark.integration


def test_broker_has_every_topic_with_its_partitions(kafka_bootstrap):
    assert topic_partitions(kafka_bootstrap, list(TOPICS)) == TOPICS


def _retention(bootstrap: str) -> dict[str, int]:
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource, ConfigResourceType
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="devkit-test")
    try:
        found = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)
                                        for name in TOPICS])
    finally:
        admin.close()
    return {name: int(configs["retention.ms"]["value"]) for name, configs in found["topic"].items()}


def test_every_topic_keeps_the_suites_retention_even_one_created_before(kafka_bootstrap):
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource, ConfigResourceType
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="devkit-test")
    try:  # as a topic created before retention was set: the broker's 7-day default
        admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, "feedback.alerts",
                                            configs={"retention.ms": str(7 * 86_400_000)})])
    finally:
        admin.close()
    assert _retention(kafka_bootstrap)["feedback.alerts"] == 7 * 86_400_000
    create_topics(kafka_bootstrap)
    assert _retention(kafka_bootstrap) == RETENTION_MS


def test_private_broker_keeps_data_across_restart_and_kill(private_broker):
    broker = private_broker({"probe": 1})
    _produce(broker.bootstrap, b"before-stop")
    broker.stop()
    assert not broker.is_running()
    broker.start()
    _produce(broker.bootstrap, b"before-kill")
    broker.kill()
    broker.start()
    assert _read_all(broker.bootstrap) == [b"before-stop", b"before-kill"]


def test_postgres_database_is_reachable(pg_database):
    with psycopg.connect(pg_database.replace("+psycopg", "")) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_db_url_runs_on_both_engines(db_url):
    assert db_url.split(":")[0] in ("sqlite", "postgresql+psycopg")


def test_smtp_server_collects_messages(smtp_server):
    _send(smtp_server.port, "Hello")
    [message] = smtp_server.wait_for_messages(1)
    assert message["Subject"] == "Hello"


def test_mail_catcher_saves_eml_and_lists_it_escaped(tmp_path, wait_for):
    catcher = MailCatcher(tmp_path, smtp_port=free_port(), http_port=free_port()).start()
    try:
        _send(catcher.smtp_port, "<b>How did we do?</b>")
        [saved] = wait_for(lambda: list(tmp_path.glob("*.eml")), 10)
        assert b"How did we do?" in saved.read_bytes()
        page = urllib.request.urlopen(catcher.index_url, timeout=5).read().decode()
        assert "&lt;b&gt;How did we do?&lt;/b&gt;" in page and "<b>How" not in page
        raw = urllib.request.urlopen(f"{catcher.index_url}raw/{saved.name}", timeout=5).read()
        assert raw == saved.read_bytes()
    finally:
        catcher.stop()


def _send(port: int, subject: str) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "desk@example.org", "user@example.org", subject
    message.set_content("body")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message)


def _produce(bootstrap: str, value: bytes) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    producer.send("probe", value).get(timeout=30)
    producer.close()


def _read_all(bootstrap: str) -> list[bytes]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=10000)
    partition = TopicPartition("probe", 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    end = consumer.end_offsets([partition])[partition]
    values = []
    for record in consumer:
        values.append(record.value)
        if record.offset + 1 >= end:
            break
    consumer.close()
    return values
