"""Kafka keeps the history, not the person: on a real broker, answers with comments go through
analysis-svc; one person's keys are shredded; `analysis-svc rebuild` into a fresh database gives
the same figures, and nothing that person said or was called can be read from any topic from
offset 0. A topic whose beginning was deleted makes rebuild refuse in one line."""
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient
from sqlalchemy import select

from chassis.kafka import KafkaPublisher, client_config, records_of
from chassis.privacy import subject_of
from chassis.privacy.envelopes import seal_envelopes
from contracts.topics import TOPICS

from analysis_svc.adapters import orm
from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.entrypoints.worker import make_worker
from analysis_svc.testing import invitation, response

pytestmark = pytest.mark.integration
CLI = [sys.executable, "-m", "analysis_svc.entrypoints.cli"]
KEY = "reply-tag-key"
AT = datetime(2026, 7, 1, 9, tzinfo=timezone.utc)
PAT, SAM = subject_of(KEY, email="pat.jones@example.org"), subject_of(KEY, email="sam.lee@example.org")
# (response, invitation, person, their name, score, comment)
ANSWERS = [("r-1", "inv-1", PAT, "Pat Jones", 5, "Dave Smith sorted my Outlook quickly, brilliant"),
           ("r-2", "inv-2", PAT, "Pat Jones", 1, "Still broken after three calls, awful and slow"),
           ("r-3", "inv-3", SAM, "Sam Lee", 4, "Good but the printer queue was slow"),
           ("r-4", "inv-4", SAM, "Sam Lee", 2, "Sam Lee here: Teams keeps crashing, useless"),
           ("r-5", None, None, None, 3, "Password reset took two days")]
PATS_WORDS = ["Dave Smith", "Outlook quickly", "Still broken", "three calls", "Pat Jones"]


def publish(bootstrap: str, vault, envelopes, subjects) -> None:
    """As survey-svc and ingest-svc publish them: personal fields sealed per person and month."""
    publisher = KafkaPublisher(bootstrap, "rebuild-test")
    try:
        publisher.publish_many(seal_envelopes(envelopes, vault, subjects, [AT] * len(envelopes)))
    finally:
        publisher.close()


def consume_until(services, group: str, count: int, wait_for) -> None:
    worker = make_worker(services, group_id=group)
    worker.subscribe()
    try:
        wait_for(lambda: (worker.poll_once() or True) and _stored(services) >= count,
                 timeout=120, message=f"{count} responses stored")
    finally:
        worker.close()


def _stored(services) -> int:
    with services.sessions() as session:
        return len(session.execute(select(orm.responses.c.response_id)).all())


def figures(services) -> dict:
    """/v1/totals as a partner reads it, and every rollup cell (floats to 9 places)."""
    client = create_app(services).test_client()
    totals = client.get("/v1/totals?group_by=service", headers={"Authorization": "Bearer admin"})
    assert totals.status_code == 200, totals.json
    cells = {}
    with services.sessions() as session:
        for table in (orm.rollups, orm.rollup_themes):
            rows = session.execute(select(table)).mappings()
            cells[table.name] = sorted(tuple((k, round(v, 9) if isinstance(v, float) else v)
                                             for k, v in sorted(row.items()) if k != "id")
                                       for row in rows)
    return {"totals": totals.json, **cells}


def everything_on(bootstrap: str) -> list[bytes]:
    """Every message value on every suite topic, read from offset 0."""
    consumer = Consumer(client_config(bootstrap, "rebuild-test-reader", {
        "group.id": "rebuild-test-reader", "enable.auto.commit": False}))
    try:
        metadata = consumer.list_topics(timeout=30)
        marks = {(t, p): consumer.get_watermark_offsets(TopicPartition(t, p), timeout=30)
                 for t in TOPICS for p in metadata.topics[t].partitions}
        assert all(low == 0 for low, _ in marks.values())
        left = {tp for tp, (low, high) in marks.items() if high > low}
        consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t, p in left])
        values = []
        while left:
            for record in records_of(consumer.consume(500, 1.0)):
                values.append(record.value)
                if record.offset >= marks[record.topic, record.partition][1] - 1:
                    left.discard((record.topic, record.partition))
        return values
    finally:
        consumer.close()


def rebuild(db_url: str, bootstrap: str, privacy: dict) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANALYSIS_DATABASE_URL=db_url, ANALYSIS_MODEL_DIR="",
               KAFKA_BOOTSTRAP_SERVERS=bootstrap, PRIVACY_VAULT_URL=privacy["privacy_vault_url"],
               PRIVACY_MASTER_KEY=privacy["privacy_master_key"])
    return subprocess.run(CLI + ["rebuild"], capture_output=True, text=True, env=env, timeout=600)


def test_shredded_people_are_unreadable_from_offset_0_and_rebuild_keeps_the_figures(
        tmp_path, private_broker, postgres_url_factory, privacy_settings, unique, wait_for):
    broker = private_broker()
    live = build(Settings(database_url=f"sqlite:///{tmp_path / 'live.db'}", model_dir="",
                          kafka_bootstrap_servers=broker.bootstrap, admin_token="admin",
                          **privacy_settings),
                 publisher=KafkaPublisher(broker.bootstrap, "analysis-svc"))
    try:
        invited = [a for a in ANSWERS if a[1]]
        created = [invitation("created", inv, name=name, at=AT) for _, inv, _, name, *_ in invited]
        sent = [invitation("sent", inv, at=AT) for _, inv, *_ in invited]
        publish(broker.bootstrap, live.key_vault, created + sent,
                [a[2] for a in invited] * 2)
        answers = [response(rid, invitation_id=inv, score=score, comment=comment, submitted_at=AT)
                   for rid, inv, _, _, score, comment in ANSWERS]
        answers = [replace(a, data=dict(a.data, subject=person))  # as ingest-svc knows it
                   for a, (_, _, person, *_) in zip(answers, ANSWERS)]
        publish(broker.bootstrap, live.key_vault, answers, [a[2] for a in ANSWERS])
        consume_until(live, f"live-{unique}", len(ANSWERS), wait_for)
        before = figures(live)
        assert before["totals"] and before["rollup_themes"]
        assert live.key_vault.shred_subjects([PAT]) == 1  # Pat is erased: one key, one month
    finally:
        live.close()

    values = everything_on(broker.bootstrap)
    assert any(b"feedback.scored" in v or b"response.scored" in v for v in values)
    reader = build(Settings(database_url=f"sqlite:///{tmp_path / 'reader.db'}", model_dir="",
                            **privacy_settings))
    try:
        tokens = [t.decode() for v in values for t in _tokens(v)]
        opened = [text for text in reader.key_vault.open_many(tokens) if text]
    finally:
        reader.close()
    for words in PATS_WORDS:
        assert not any(words.encode() in v for v in values), words
        assert not any(words in text for text in opened), words
    assert "Good but the printer queue was slow" in opened  # Sam's stays readable

    rebuilt_url = postgres_url_factory("rebuilt")
    result = rebuild(rebuilt_url, broker.bootstrap, privacy_settings)
    assert result.returncode == 0, result.stderr
    assert f"rebuilt: {len(ANSWERS)} responses stored" in result.stdout
    rebuilt = build(Settings(database_url=rebuilt_url, model_dir="", admin_token="admin",
                             **privacy_settings))
    try:
        assert figures(rebuilt) == before
    finally:
        rebuilt.close()

    # Retention (or anyone) deletes the start of a partition: rebuild refuses, in one line.
    admin = AdminClient(client_config(broker.bootstrap, "rebuild-test-admin", {}))
    partition = next(p for p in range(TOPICS["feedback.responses"])
                     if _end(broker.bootstrap, "feedback.responses", p) > 0)
    futures = admin.delete_records([TopicPartition("feedback.responses", partition, 1)])
    for future in futures.values():
        future.result(30)
    refused = rebuild(postgres_url_factory("refused"), broker.bootstrap, privacy_settings)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        f"error: cannot rebuild: feedback.responses partition {partition} starts at offset 1, "
        "not 0 (retention deleted history the figures need); nothing was changed"]


def _tokens(value: bytes) -> list[bytes]:
    return re.findall(rb"pii:v1:[0-9a-f]{24}:[A-Za-z0-9_-]+", value)


def _end(bootstrap: str, topic: str, partition: int) -> int:
    consumer = Consumer(client_config(bootstrap, "rebuild-test-marks", {"group.id": "marks"}))
    try:
        return consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=30)[1]
    finally:
        consumer.close()
