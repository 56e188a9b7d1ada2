"""The `dlq` commands as an operator runs them: each service's click CLI on the real broker."""
import functools
import uuid

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from confluent_kafka.admin import AdminClient, NewTopic

from chassis.kafka import KafkaPublisher, dead_letter
from chassis.tokens import generate_keypair
from contracts.envelope import encode

# What each service's settings need from the environment besides its database.
SERVICES = {
    "survey-svc": ("survey_svc", "SURVEY_DATABASE_URL",
                   {"WEBHOOK_SECRET": "test-webhook-secret", "ADMIN_TOKEN": "admin-secret",
                    "REPLY_TAG_KEY": "test-reply-tag-key"}),
    "ingest-svc": ("ingest_svc", "INGEST_DATABASE_URL",
                   {"INGEST_SECRET_KEY": "test-ingest-secret-key", "ADMIN_TOKEN": "admin-secret",
                    "REPLY_TAG_KEY": "test-reply-tag-key"}),
    "analysis-svc": ("analysis_svc", "ANALYSIS_DATABASE_URL",
                     {"ANALYSIS_MODEL_DIR": "", "ADMIN_TOKEN": "admin-secret"}),
}


@functools.cache
def _keypair() -> tuple[str, str]:
    return generate_keypair()


class Cli:
    """One service's console script under CliRunner, on its own SQLite database."""

    def __init__(self, service: str, db_url: str, bootstrap: str, tmp_path):
        package, db_variable, extra = SERVICES[service]
        self.cli = __import__(f"{package}.entrypoints.cli", fromlist=["cli"]).cli
        self.env = {db_variable: db_url, "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                    "INGEST_SPOOL_DIR": str(tmp_path / "spool"),
                    "SURVEY_SIGNING_KEY": _keypair()[0],
                    "SURVEY_VERIFY_KEY": _keypair()[1], **extra}
        self.db_url = db_url

    def __call__(self, *args, input=None, **env):
        return CliRunner().invoke(self.cli, ["dlq", *args], env={**self.env, **env}, input=input)

    def audit(self, action: str) -> list[dict]:
        """The service's access-audit entries for `action`, oldest first."""
        engine = sa.create_engine(self.db_url)
        try:
            with engine.connect() as db:
                rows = db.execute(sa.text("SELECT target, filters, rows FROM access_audit "
                                          "WHERE action = :action ORDER BY id"), {"action": action})
                return [dict(row._mapping) for row in rows]
        finally:
            engine.dispose()


@pytest.fixture
def service_cli(kafka_bootstrap, tmp_path):
    """Factory: service name -> Cli on a fresh SQLite database in tmp_path."""
    def make(service: str) -> Cli:
        db = tmp_path / f"{service}-{uuid.uuid4().hex[:6]}.db"
        return Cli(service, f"sqlite:///{db}", kafka_bootstrap, tmp_path)
    return make


@pytest.fixture
def dlq_topic(kafka_bootstrap, unique):
    """A dead-letter topic of this test's own (one partition, as the real one)."""
    name = f"test.dlq.{unique}"
    admin = AdminClient({"bootstrap.servers": kafka_bootstrap})
    admin.create_topics([NewTopic(name, 1, 1)])[name].result(timeout=30)
    yield name
    admin.delete_topics([name])[name].result(timeout=30)


class TopicPublisher:
    """Publishes an envelope to a topic of the test's choosing (dead_letter's own code path)."""

    def __init__(self, publisher: KafkaPublisher, topic: str):
        self.publisher, self.topic = publisher, topic

    def publish(self, envelope) -> None:
        self.publisher.publish_raw([(self.topic, envelope.key, encode(envelope))])


@pytest.fixture
def publisher(kafka_bootstrap):
    made = KafkaPublisher(kafka_bootstrap, "dlq-test")
    yield made
    made.close()


@pytest.fixture
def dead_letters(publisher):
    """write(topic, [(source_topic, key, value bytes, reason, rejected_by)]) via dead_letter."""
    from chassis.kafka import Record

    def write(topic, letters):
        target = TopicPublisher(publisher, topic)
        for source, key, value, reason, by in letters:
            dead_letter(target, Record(source, 0, 0, key, value), reason,
                        {"_schema": ["Not valid."]}, by)
    return write
