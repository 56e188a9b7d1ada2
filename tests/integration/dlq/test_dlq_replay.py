"""replay through analysis-svc's CLI: a message refused for a reason that no longer holds is
counted once by the real consumer, one still invalid goes back to the DLQ once, not in a loop."""
import json
from datetime import datetime, timezone

import pytest
from confluent_kafka import Consumer, TopicPartition
from sqlalchemy import func, select

from chassis.kafka import Record, dead_letter
from contracts.envelope import encode
from contracts.topics import FEEDBACK_RESPONSES, FEEDBACK_RESPONSES_DLQ, TICKETS_RESOLVED

from analysis_svc.adapters import orm
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.entrypoints import worker
from analysis_svc.testing import ConsumerThread, response, start_group_at_end

pytestmark = pytest.mark.integration
AT = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def _stored(bus, directorate) -> int:
    with bus.sessions() as session:
        return session.execute(select(func.count()).select_from(orm.responses).where(
            orm.responses.c.directorate == directorate)).scalar()


def _rollup_total(bus, directorate) -> int:
    with bus.sessions() as session:
        return session.execute(select(func.sum(orm.rollups.c.responses)).where(
            orm.rollups.c.directorate == directorate,
            orm.rollups.c.period_kind == "month")).scalar() or 0


def _landed(bootstrap, topic, where: str):
    """The message at partition:offset of `topic`: (value, headers)."""
    partition, offset = map(int, where.split(":"))
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "dlq-test-reader",
                         "enable.auto.commit": False})
    try:
        consumer.assign([TopicPartition(topic, partition, offset)])
        message = consumer.poll(30)
        assert message is not None and message.error() is None and message.offset() == offset
        return message.value(), dict(message.headers() or [])
    finally:
        consumer.close()


def test_replay_after_a_fix_is_consumed_once_and_never_loops(
        service_cli, publisher, kafka_bootstrap, unique, wait_for):
    cli = service_cli("analysis-svc")
    bus = build(Settings(database_url=cli.db_url, kafka_bootstrap_servers=kafka_bootstrap,
                         admin_token="admin-secret", model_dir=""), publisher=publisher)
    directorate = f"Dir-{unique}"
    since = datetime.now(timezone.utc).isoformat()
    mine = ("--since", since, "--reason", unique)
    fixed = response(directorate=directorate, invitation_id=f"inv-a-{unique}", submitted_at=AT)
    twice = response(directorate=directorate, invitation_id=f"inv-b-{unique}", submitted_at=AT)
    poison, poison_key = f"poison-{unique}".encode(), f"inv-c-{unique}"
    start_group_at_end(kafka_bootstrap, f"dlq-test-{unique}", worker.TOPICS)
    consuming = ConsumerThread(bus, f"dlq-test-{unique}")
    try:
        publisher.publish(twice)  # consumed normally, and (say, a batch re-read) dead-lettered
        wait_for(lambda: _stored(bus, directorate) == 1, timeout=60)
        for record, reason, by in [
                (Record(FEEDBACK_RESPONSES, 0, 1, fixed.key, encode(fixed)),
                 f"could not be processed: OperationalError ({unique})", "analysis-svc"),
                (Record(FEEDBACK_RESPONSES, 0, 2, twice.key, encode(twice)),
                 f"could not be processed: OperationalError ({unique})", "analysis-svc"),
                (Record(FEEDBACK_RESPONSES, 0, 3, poison_key, poison),
                 f"not JSON ({unique})", "analysis-svc"),
                (Record(TICKETS_RESOLVED, 0, 4, f"T-{unique}", b"{}"),
                 f"invalid event ({unique})", "survey-svc")]:
            dead_letter(publisher, record, reason, {}, by)

        dry = cli("replay", *mine, "--dry-run")
        assert dry.exit_code == 0, dry.output
        assert "dry run: 3 would be replayed, 1 skipped" in dry.stdout
        assert "skipped: rejected by survey-svc: replay it with survey-svc" in dry.stdout
        assert cli.audit("dlq.replay") == []

        done = cli("replay", *mine)
        assert done.exit_code == 0, done.output
        assert "replayed 3, skipped 1" in done.stdout
        wait_for(lambda: _stored(bus, directorate) == 2, timeout=60)

        def on_dlq(key):
            listed = cli("list", "--since", since, "--key", key)
            assert listed.exit_code == 0, listed.output
            return listed.stdout.splitlines()
        # refused again: back on the DLQ once, marked as the message already replayed
        wait_for(lambda: len(on_dlq(poison_key)) == 2, timeout=60)
        first, returned = on_dlq(poison_key)
        assert "could not be processed" not in returned and "[replayed as " in returned

        again = cli("replay", "--since", since, "--key", poison_key)
        assert again.exit_code == 0 and "replayed 0, skipped 2" in again.stdout
        assert again.stdout.count("already replayed (as feedback.responses.dlq:") == 2
        assert "replayed 0, skipped 4" in cli("replay", *mine).stdout

        # a barrier: the consumer has read everything sent before this message's partition-mate
        publisher.publish(response(directorate=directorate, invitation_id=poison_key,
                                   submitted_at=AT))
        wait_for(lambda: _stored(bus, directorate) == 3, timeout=60)
    finally:
        consuming.close()
    assert len(on_dlq(poison_key)) == 2
    assert _rollup_total(bus, directorate) == 3  # fixed, twice (once) and the barrier

    replays = cli.audit("dlq.replay")
    assert len(replays) == 3 and {e["rows"] for e in replays} == {1}
    for entry in replays:
        filters = json.loads(entry["filters"]) if isinstance(entry["filters"], str) else entry["filters"]
        value, headers = _landed(kafka_bootstrap, FEEDBACK_RESPONSES, filters["landed"])
        assert headers["dlq-replay-of"].decode() == entry["target"]
        assert entry["target"].startswith(f"{FEEDBACK_RESPONSES_DLQ}:0:")
        assert value in {encode(fixed), encode(twice), poison}
    runs = [json.loads(e["filters"]) if isinstance(e["filters"], str) else e["filters"]
            for e in cli.audit("dlq.replay-run")]
    assert [(r["dry_run"], r["sent"]) for r in runs] == [(True, 0), (False, 3), (False, 0),
                                                         (False, 0)]
    bus.close()
