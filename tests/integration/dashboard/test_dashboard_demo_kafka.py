"""`suite-demo seed` and `trickle` publish real envelopes to the real broker, keyed like the producers."""
import random
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from kafka import KafkaConsumer, TopicPartition

from contracts import topics
from contracts.envelope import decode
from contracts.errors import InvalidEvent
from suite_demo.cli import cli
from suite_demo.history import history

pytestmark = pytest.mark.integration
NOW = datetime(2025, 6, 1, 12, tzinfo=timezone.utc)


def envelopes(consumer):
    """Decoded messages; others' malformed test messages share these topics, so skip them."""
    for message in consumer:
        try:
            yield message, decode(message.value)
        except InvalidEvent:
            continue


@pytest.fixture
def tail(kafka_bootstrap):
    """A consumer positioned at the current end of both topics, before anything is published."""
    consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap, enable_auto_commit=False,
                             consumer_timeout_ms=2000)
    parts = [TopicPartition(t, p) for t in (topics.SURVEYS_LIFECYCLE, topics.FEEDBACK_RESPONSES)
             for p in consumer.partitions_for_topic(t)]
    consumer.assign(parts)
    consumer.seek_to_end(*parts)
    for part in parts:
        consumer.position(part)
    yield consumer
    consumer.close()


def test_seed_publishes_backdated_history_once_per_state_dir(tail, kafka_bootstrap, tmp_path, wait_for, monkeypatch):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    seed = random.randrange(10**9)
    expected = {e.data["invitation_id"] for e in history(seed, NOW, 1)}
    args = ["seed", "--weeks", "1", "--seed", str(seed), "--now", NOW.strftime("%Y-%m-%d %H:%M:%S"),
            "--state-dir", str(tmp_path)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and "published" in first.output, first.output
    again = CliRunner().invoke(cli, args)
    assert "already published" in again.output
    seen, kinds = set(), set()

    def arrived():
        for message, envelope in envelopes(tail):
            invitation = envelope.data.get("invitation_id")
            if invitation in expected:
                assert message.key.decode() == invitation and envelope.occurred_at <= NOW
                seen.add(invitation)
                kinds.add(envelope.event_type)
        return seen == expected
    wait_for(arrived, timeout=60)
    assert {"invitation.created", "invitation.sent", "response.submitted"} <= kinds


def test_trickle_sends_live_answers(tail, kafka_bootstrap, monkeypatch, wait_for):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    started = datetime.now(timezone.utc)
    result = CliRunner().invoke(cli, ["trickle", "--count", "3", "--interval", "0.01"])
    assert result.exit_code == 0 and "published 3 live tickets" in result.output
    fresh = []

    def arrived():
        fresh.extend(e for _, e in envelopes(tail)
                     if e.event_type == "invitation.created" and e.producer == "survey-svc"
                     and e.data.get("requester_id", "").startswith("u-")
                     and abs((e.occurred_at - started).total_seconds()) < 3 * 3600)
        return len(fresh) >= 3
    wait_for(arrived, timeout=60)
