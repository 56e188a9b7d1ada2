"""Fixtures for ingest-svc integration tests: real broker, both databases, real tokens."""
import re
import uuid
from datetime import timedelta

import pytest
from kafka import KafkaConsumer, TopicPartition

from chassis.tokens import generate_keypair, sign_token
from contracts import decode

from ingest_svc.app import create_app
from ingest_svc.bootstrap import build
from ingest_svc.config import Settings

REPLY_TAG_KEY = "integration-reply-tag-key"  # survey-svc's, in these tests


@pytest.fixture(scope="session")
def survey_keys():
    return generate_keypair()


@pytest.fixture
def make_token(survey_keys):
    def make(inv=None, ttl=timedelta(days=7), **claims):
        base = {"inv": inv or uuid.uuid4().hex, "tkt": "INC0012345", "res": 1,
                "dir": "Adult Social Care", "svc": "Email and Calendar", "cat": "Software",
                "team": "Service Desk", "ch": "portal", "lang": "en", **claims}
        return sign_token(survey_keys[0], base, ttl)
    return make


@pytest.fixture
def make_settings(survey_keys, tmp_path):
    def make(database_url, bootstrap_servers, **overrides):
        values = dict(survey_verify_key=survey_keys[1], secret_key=uuid.uuid4().hex,
                      database_url=database_url, kafka_bootstrap_servers=bootstrap_servers,
                      spool_dir=str(tmp_path / f"spool-{uuid.uuid4().hex[:6]}"),
                      api_tokens=("phone:phone-token", "kiosk:kiosk-token"),
                      inbound_token="inbound-token", ack_timeout_s=2.0, reply_tag_key=REPLY_TAG_KEY)
        return Settings(**{**values, **overrides})
    return make


class TopicReader:
    """Reads a topic from the offsets it had when created: only what a test produced after."""

    def __init__(self, bootstrap: str, topic: str):
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                      consumer_timeout_ms=500)
        parts = [TopicPartition(topic, p) for p in self.consumer.partitions_for_topic(topic)]
        self.consumer.assign(parts)
        self.consumer.seek_to_end()
        for tp in parts:
            self.consumer.position(tp)
        self.records = []

    def collect(self, predicate, count: int, timeout: float = 30.0):
        from devkit.testing import wait_for

        def enough():
            for batch in self.consumer.poll(timeout_ms=300, max_records=5000).values():
                for record in batch:
                    envelope = decode(record.value)
                    if predicate(envelope):
                        self.records.append((record, envelope))
            return len(self.records) >= count
        wait_for(enough, timeout, interval=0.01, message=f"{count} matching records")
        return [env for _, env in self.records]

    def close(self):
        self.consumer.close()


@pytest.fixture
def app_env(db_url, kafka_bootstrap, make_settings):
    """The app and its bus on a fresh database (SQLite and PostgreSQL) and the real broker."""
    bus = build(make_settings(db_url, kafka_bootstrap))
    yield create_app(bus), bus
    bus.close()


@pytest.fixture
def topic_reader():
    readers = []

    def make(bootstrap, topic="feedback.responses"):
        readers.append(TopicReader(bootstrap, topic))
        return readers[-1]
    yield make
    for reader in readers:
        reader.close()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
