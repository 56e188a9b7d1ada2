"""Retention in ingest-svc, by an injected clock, on SQLite and PostgreSQL: comments and the
links to a person go from answers past their period (scores stay), old idempotency envelopes,
unmatched replies and audit rows are deleted, the spool is compacted once delivered messages
have lingered 30 days; rows just inside their period stay."""
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from chassis.testing import FakeClock
from ingest_svc.adapters.orm import (idempotency_keys, invitations, privacy, responses,
                                     unmatched_replies)
from ingest_svc.bootstrap import build
from ingest_svc.domain.commands import ApplyRetention

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)
TWO_YEARS_AGO = datetime(2024, 3, 31, 12, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)
DELIVERED_MARKER = b"Dave Smith sorted it, delivered long ago"
PENDING_MARKER = b"Still waiting for the broker"


@pytest.fixture
def ingest(db_url, kafka_bootstrap, make_settings):
    def make(clock):
        made.append(build(make_settings(db_url, kafka_bootstrap), clock=clock))
        return made[-1]
    made = []
    yield make
    for bus in made:
        bus.close()


def _answer(response_id, at):
    return {"response_id": response_id, "invitation_id": f"inv-{response_id}", "version": 1,
            "score": 2, "resolved": "yes", "comment": "Dave Smith sorted it", "channel": "email",
            "source": "survey", "updated_at": at, "subject": "a" * 64}


def _seed(bus, edge_of: dict) -> None:
    """Per table, one row a second past its period's edge and one a second inside it."""
    audit = privacy["access_audit"]
    with bus.engine.begin() as db:
        db.execute(responses.insert(), [_answer(name, edge_of["comments"] + shift)
                                        for name, shift in (("past", -SECOND), ("inside", SECOND))])
        db.execute(invitations.insert(), [
            {"invitation_id": name, "directorate": "Adults", "language": "en", "invitee": "b" * 64,
             "expires_at": edge_of["contact_details"] + shift}
            for name, shift in (("past", -SECOND), ("inside", SECOND))])
        db.execute(idempotency_keys.insert(), [
            {"scope": "phone", "key": name, "fingerprint": "f", "response_id": name, "version": 1,
             "envelope": '{"comment": "Dave Smith sorted it"}',
             "created_at": edge_of["delivered"] + shift}
            for name, shift in (("past", -SECOND), ("inside", SECOND))])
        db.execute(unmatched_replies.insert(), [
            {"invitation_id": name, "reason": "no tag", "via": "smtp", "raw": b"From: pat@x.org",
             "received_at": edge_of["unmatched_replies"] + shift}
            for name, shift in (("past", -SECOND), ("inside", SECOND))])
        db.execute(audit.insert(), [
            {"at": edge_of["access_audit"] + shift, "actor": "admin", "action": name,
             "filters": {}, "rows": 1} for name, shift in (("past", -SECOND), ("inside", SECOND))])


EDGES = {"comments": TWO_YEARS_AGO, "contact_details": TWO_YEARS_AGO,
         "delivered": NOW - timedelta(days=30), "unmatched_replies": NOW - timedelta(days=90),
         "access_audit": TWO_YEARS_AGO}
EXPECTED = {"comments": {"comments": 1},
            "contact_details": {"answer_subjects": 1, "invitees": 1},
            "delivered": {"idempotency_envelopes": 1, "spool_leftovers": 0},
            "unmatched_replies": {"unmatched_replies": 1}, "access_audit": {"access_audit": 1}}


def _snapshot(bus) -> dict:
    with bus.engine.connect() as db:
        return {
            "answers": {r.response_id: (r.score, r.comment, r.subject) for r in db.execute(
                select(responses.c.response_id, responses.c.score, responses.c.comment,
                       responses.c.subject))},
            "invitees": dict(db.execute(select(invitations.c.invitation_id, invitations.c.invitee)).all()),
            "envelopes": set(db.scalars(select(idempotency_keys.c.key))),
            "replies": set(db.scalars(select(unmatched_replies.c.invitation_id))),
            "audit": set(db.scalars(select(privacy["access_audit"].c.action)))}


def test_a_dry_run_counts_and_changes_nothing(ingest):
    bus = ingest(FakeClock(NOW))
    _seed(bus, EDGES)
    before = _snapshot(bus)
    run = bus.handle(ApplyRetention(dry_run=True))
    assert run.counts == EXPECTED and _snapshot(bus) == before
    assert [(r.dry_run, r.counts) for r in bus.retention_runs.recent()] == [(True, EXPECTED)]


def test_exactly_what_is_past_its_period_goes(ingest):
    bus = ingest(FakeClock(NOW))
    _seed(bus, EDGES)
    assert bus.handle(ApplyRetention(trigger="worker")).counts == EXPECTED
    after = _snapshot(bus)
    assert after["answers"] == {"past": (2, None, None), "inside": (2, "Dave Smith sorted it", "a" * 64)}
    assert after["invitees"] == {"past": None, "inside": "b" * 64}
    assert after["envelopes"] == after["replies"] == after["audit"] == {"inside"}
    assert bus.handle(ApplyRetention(trigger="worker")).total == 0


def _spool_bytes(directory: Path) -> bytes:
    return b"".join(path.read_bytes() for path in directory.iterdir() if path.is_file())


def test_the_spool_is_compacted_once_delivered_messages_lingered_30_days(ingest):
    real_now = datetime.now(timezone.utc)
    clock = FakeClock(real_now + timedelta(days=29))
    bus = ingest(clock)
    bus.spool.append([("feedback.responses", "k1", DELIVERED_MARKER),
                      ("feedback.responses", "k2", PENDING_MARKER)])
    bus.spool.remove_through(bus.spool.peek(1)[0][0])  # the broker confirmed the first
    directory = bus.spool.directory
    assert DELIVERED_MARKER in _spool_bytes(directory)  # deleted, yet still in the files

    inside = bus.handle(ApplyRetention())
    assert inside.counts["delivered"]["spool_leftovers"] == 0
    assert DELIVERED_MARKER in _spool_bytes(directory)

    clock.advance(timedelta(days=2))
    past = bus.handle(ApplyRetention())
    assert past.counts["delivered"]["spool_leftovers"] == 1
    assert DELIVERED_MARKER not in _spool_bytes(directory)
    assert [row[3] for row in bus.spool.peek()] == [PENDING_MARKER]  # never delivered: kept
    assert bus.spool.leftovers() == (0, None)


def test_the_cli_dry_run_prints_counts_and_changes_nothing(db_url, kafka_bootstrap, make_settings,
                                                           survey_keys, tmp_path):
    settings = make_settings(db_url, kafka_bootstrap)
    bus = build(settings)
    now = datetime.now(timezone.utc)
    _seed(bus, {"comments": now - timedelta(days=800), "contact_details": now,
                "delivered": now, "unmatched_replies": now, "access_audit": now})
    before = _snapshot(bus)
    env = dict(os.environ, INGEST_DATABASE_URL=db_url, INGEST_SPOOL_DIR=settings.spool_dir,
               SURVEY_VERIFY_KEY=survey_keys[1], INGEST_SECRET_KEY="s", REPLY_TAG_KEY="r",
               KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, PRIVACY_MASTER_KEY="m" * 32,
               PRIVACY_VAULT_URL=f"sqlite:///{tmp_path / 'vault.db'}")

    def cli(*args):
        return subprocess.run([sys.executable, "-c", "from ingest_svc.entrypoints.cli import main; "
                               "main()", "retention", *args], capture_output=True, text=True,
                              env=env, timeout=120)
    dry = cli("run", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run: nothing changed" in dry.stdout and "would remove 4 in all" in dry.stdout
    assert "comments           before" in dry.stdout
    assert _snapshot(bus) == before
    listed = cli("runs")
    assert "cli     dry run" in listed.stdout
    bus.close()
