"""survey-svc wired to real adapters: SQLite or PostgreSQL, aiosmtpd, Kafka."""
import json
from datetime import datetime, timezone

import pytest
from kafka import KafkaConsumer, TopicPartition

from chassis.auth import sign_webhook
from chassis.kafka import Record
from chassis.testing import FakeClock
from chassis.tokens import generate_keypair
from contracts.envelope import decode
from survey_svc import bootstrap
from survey_svc.app import create_app
from survey_svc.config import Settings

SECRET, ADMIN, REPLY_TAG_KEY = "test-webhook-secret", "test-admin-token", "test-reply-tag-key"


@pytest.fixture(scope="session")
def survey_keys():
    return generate_keypair()


@pytest.fixture
def clock():
    """Moved by the tests instead of sleeping; starts now so tokens verify for real."""
    return FakeClock(datetime.now(timezone.utc).replace(microsecond=0))


@pytest.fixture
def survey_settings(db_url, smtp_server, survey_keys):
    return Settings(webhook_secret=SECRET, admin_token=ADMIN, reply_tag_key=REPLY_TAG_KEY,
                    signing_key=survey_keys[0],
                    database_url=db_url, smtp_port=smtp_server.port,
                    public_survey_url="https://feedback.example.org")


@pytest.fixture
def survey(survey_settings, clock):
    bus = bootstrap.build(survey_settings, clock=clock)
    yield bus
    bus.close()


@pytest.fixture
def client(survey):
    return create_app(survey).test_client()


def _signed(payload, at: datetime) -> tuple[bytes, dict]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    sig = sign_webhook(SECRET, body, int(at.timestamp()))
    return body, {"X-Signature": sig, "Content-Type": "application/json"}


def _ticket_payload(ticket_id: str, resolved_at: datetime, **changes) -> dict:
    base = {"ticket_id": ticket_id, "resolution": 1, "resolved_at": resolved_at.isoformat(),
            "requester": {"id": f"req-{ticket_id}", "email": f"{ticket_id.lower()}@example.org",
                          "name": "Pat O'Neill"},
            "directorate": "Adult Social Care", "service": "Email", "category": "Software",
            "team": "Service Desk", "priority": "P3", "channel": "portal"}
    return {**base, **changes}


@pytest.fixture
def cli_env(survey_settings, survey, monkeypatch, tmp_path):
    """The variables survey-svc's CLI reads, set to this test's service."""
    s = survey_settings
    key = tmp_path / "signing.pem"
    key.write_text(s.signing_key)
    for name, value in {"WEBHOOK_SECRET": s.webhook_secret, "ADMIN_TOKEN": s.admin_token,
                        "REPLY_TAG_KEY": s.reply_tag_key,
                        "SURVEY_SIGNING_KEY": str(key), "SURVEY_DATABASE_URL": s.database_url,
                        "SMTP_PORT": str(s.smtp_port)}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def signed(clock):
    """signed(payload, at=clock.now()) -> (body, headers) with an X-Signature made at `at`."""
    return lambda payload, at=None: _signed(payload, at or clock.now())


@pytest.fixture
def ticket_payload():
    """ticket_payload(ticket_id, resolved_at, **changes) -> a webhook body."""
    return _ticket_payload


@pytest.fixture
def admin():
    return {"Authorization": f"Bearer {ADMIN}", "X-Actor": "tester"}


class TopicTail:
    """Everything appended to a topic after it was opened."""

    def __init__(self, bootstrap_servers: str, topic: str):
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers,
                                      enable_auto_commit=False)
        parts = [TopicPartition(topic, p) for p in self.consumer.partitions_for_topic(topic)]
        self.consumer.assign(parts)
        for tp, offset in self.consumer.end_offsets(parts).items():
            self.consumer.seek(tp, offset)
        self.events, self.records = [], []

    def poll(self):
        for batch in self.consumer.poll(timeout_ms=200).values():
            self.records.extend(Record(m.topic, m.partition, m.offset, None, m.value)
                                for m in batch)
            self.events.extend(decode(m.value) for m in batch)
        return self.events

    def close(self):
        self.consumer.close()


@pytest.fixture
def tail(kafka_bootstrap):
    opened = []

    def open_tail(topic: str) -> TopicTail:
        opened.append(TopicTail(kafka_bootstrap, topic))
        return opened[-1]

    yield open_tail
    for t in opened:
        t.close()


class CrashAfterSending:
    """Delivers the mail, then the process 'dies' before it can record that."""

    def __init__(self, mailer, crash_on: int):
        self.mailer, self.crash_on, self.sent = mailer, crash_on, 0

    def send(self, message):
        self.mailer.send(message)
        self.sent += 1
        if self.sent == self.crash_on:
            raise SystemExit("killed between send and mark")


@pytest.fixture
def crash_after_sending():
    """A mailer wrapper that sends, then 'crashes' on the n-th mail before it is marked sent."""
    return CrashAfterSending
