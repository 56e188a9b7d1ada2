"""Retention in survey-svc, by an injected clock, on SQLite and PostgreSQL: exactly what is past
its period goes (contact details, requester ids the throttle no longer needs, published events,
the access audit), rows just inside it stay, and every run is recorded."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from chassis.testing import FakeClock
from chassis.tokens import generate_keypair
from survey_svc import bootstrap
from survey_svc.adapters.orm import invitations, metadata, privacy
from survey_svc.config import Settings
from survey_svc.domain.commands import ApplyRetention, SetPolicy

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)
TWO_YEARS_AGO = datetime(2024, 3, 31, 12, 0, tzinfo=timezone.utc)  # 24 calendar months
THIRTY_DAYS_AGO = NOW - timedelta(days=30)
THROTTLE_START = NOW - timedelta(days=800)  # the longest throttle any directorate has
SECOND = timedelta(seconds=1)
KEYS = generate_keypair()


@pytest.fixture
def vault(tmp_path):
    from chassis.privacy.vault import KeyVault
    made = KeyVault.from_url(f"sqlite:///{tmp_path / 'vault.db'}", "m" * 32)
    yield made
    made.close()


@pytest.fixture
def survey(db_url, vault):
    settings = Settings(webhook_secret="w", admin_token="a", reply_tag_key="r",
                        signing_key=KEYS[0], database_url=db_url)
    bus = bootstrap.build(settings, clock=FakeClock(NOW), key_vault=vault)
    yield bus
    bus.close()


def _invitation(inv_id, created_at, status="answered", directorate="Adult Social Care"):
    return {"id": inv_id, "ticket_id": f"INC-{inv_id}", "resolution": 1,
            "resolved_at": created_at, "requester_id": f"req-{inv_id}",
            "requester_email": f"{inv_id}@example.org", "requester_name": "Pat O'Neill",
            "directorate": directorate, "service": "Email", "category": "Software",
            "team": "Service Desk", "language": "en", "status": status, "due_at": created_at,
            "expires_at": created_at + timedelta(days=14), "reminder_days": 3,
            "sent_at": created_at, "answered_at": created_at + timedelta(days=1),
            "created_at": created_at}


def _outbox(event_id, published_at):
    return {"event_id": event_id, "topic": "surveys.lifecycle", "key": event_id,
            "payload": b'{"requester_name": "Pat"}', "created_at": NOW - timedelta(days=60),
            "published_at": published_at}


@pytest.fixture
def seeded(survey):
    rows = [_invitation("past", THROTTLE_START - SECOND),
            _invitation("throttled", THROTTLE_START + SECOND),
            _invitation("past-contact", TWO_YEARS_AGO - SECOND),
            _invitation("inside", TWO_YEARS_AGO + SECOND),
            _invitation("still-open", TWO_YEARS_AGO - SECOND, status="sent")]
    # One directorate throttles for 800 days: until then a requester's id is still needed, for
    # a ticket from any directorate.
    survey.handle(SetPolicy("Children's Services", {"throttle_days": 800}, "test"))
    audit = privacy["access_audit"]
    with survey.engine.begin() as db:
        db.execute(invitations.insert(), rows)
        db.execute(metadata.tables["event_outbox"].insert(), [
            _outbox("published-past", THIRTY_DAYS_AGO - SECOND),
            _outbox("published-inside", THIRTY_DAYS_AGO + SECOND),
            _outbox("never-published", None)])
        db.execute(audit.insert(), [
            {"at": TWO_YEARS_AGO - SECOND, "actor": "admin", "action": "subject-access",
             "filters": {}, "rows": 1},
            {"at": TWO_YEARS_AGO + SECOND, "actor": "admin", "action": "subject-access",
             "filters": {}, "rows": 1}])
    return survey


def _people(bus) -> dict:
    with bus.engine.connect() as db:
        return {r.id: (r.requester_id, r.requester_email, r.requester_name, r.status, r.score_fields)
                for r in db.execute(select(
                    invitations.c.id, invitations.c.requester_id, invitations.c.requester_email,
                    invitations.c.requester_name, invitations.c.status,
                    (invitations.c.directorate + "|" + invitations.c.service).label("score_fields")))}


def _left(bus, table, column) -> set:
    with bus.engine.connect() as db:
        return set(db.scalars(select(table.c[column])))


EXPECTED = {"contact_details": {"invitations": 3, "requester_ids": 1, "vault_keys": 0},
            "delivered": {"published_events": 1}, "access_audit": {"access_audit": 1}}


def test_a_dry_run_counts_changes_nothing_and_is_recorded(seeded):
    before = _people(seeded)
    run = seeded.handle(ApplyRetention(dry_run=True))
    assert run.counts == EXPECTED and run.dry_run
    assert _people(seeded) == before
    assert len(_left(seeded, metadata.tables["event_outbox"], "event_id")) == 3
    [recorded] = seeded.retention_runs.recent()
    assert (recorded.dry_run, recorded.trigger, recorded.counts) == (True, "cli", EXPECTED)
    assert recorded.cutoffs["contact_details"] == TWO_YEARS_AGO.isoformat()


def test_exactly_what_is_past_its_period_goes(seeded):
    run = seeded.handle(ApplyRetention(trigger="worker"))
    assert run.counts == EXPECTED and not run.dry_run
    people = _people(seeded)
    assert people["past"] == ("anon-past", None, None, "answered", "Adult Social Care|Email")
    assert people["inside"] == ("req-inside", "inside@example.org", "Pat O'Neill", "answered",
                                "Adult Social Care|Email")
    # Past the contact period, so no address or name; the throttle still needs their ids.
    assert people["throttled"][:3] == ("req-throttled", None, None)
    assert people["past-contact"][:3] == ("req-past-contact", None, None)
    assert people["still-open"][:3] == ("req-still-open", "still-open@example.org", "Pat O'Neill")
    assert _left(seeded, metadata.tables["event_outbox"], "event_id") == {
        "published-inside", "never-published"}
    assert _left(seeded, privacy["access_audit"], "at") == {TWO_YEARS_AGO + SECOND}
    again = seeded.handle(ApplyRetention(trigger="worker"))
    assert again.total == 0
    assert [(r.trigger, r.dry_run, r.total) for r in seeded.retention_runs.recent()] == [
        ("worker", False, 0), ("worker", False, 6)]


def test_the_cli_dry_run_prints_counts_and_changes_nothing(db_url, monkeypatch, capsys, tmp_path):
    from chassis.cli import run_cli
    from survey_svc.entrypoints.cli import cli
    for name, value in {"WEBHOOK_SECRET": "w", "ADMIN_TOKEN": "a", "REPLY_TAG_KEY": "r",
                        "SURVEY_SIGNING_KEY": KEYS[0], "SURVEY_DATABASE_URL": db_url,
                        "PRIVACY_MASTER_KEY": "m" * 32,
                        "PRIVACY_VAULT_URL": f"sqlite:///{tmp_path / 'vault.db'}"}.items():
        monkeypatch.setenv(name, value)
    now = datetime.now(timezone.utc)
    bus = bootstrap.build(Settings.from_env())
    with bus.engine.begin() as db:
        db.execute(invitations.insert(), [_invitation("old", now - timedelta(days=3 * 365)),
                                          _invitation("new", now - timedelta(days=1))])
    before = _people(bus)

    assert run_cli(cli, ["retention", "run", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "dry run: nothing changed" in printed and "would remove 2 in all" in printed
    assert "invitations 1, requester_ids 1" in printed
    assert _people(bus) == before
    assert run_cli(cli, ["retention", "runs"]) == 0
    assert "cli     dry run" in capsys.readouterr().out

    assert run_cli(cli, ["retention", "run"]) == 0
    assert "applied): removed 2 in all" in capsys.readouterr().out
    assert _people(bus)["old"][:3] == ("anon-old", None, None)
    assert _people(bus)["new"] == before["new"]
    assert [run.dry_run for run in bus.retention_runs.recent()] == [False, True]
    bus.close()


def test_vault_keys_go_for_the_months_wholly_past_the_longest_period(survey, vault):
    bus = survey
    # The cutoff is 31 March 2024 12:00: March's key also sealed what is not yet past it.
    sealed = {at: vault.seal("subject-1", at, "Pat O'Neill") for at in (
        datetime(2024, 2, 29, 23, 59, tzinfo=timezone.utc), TWO_YEARS_AGO - SECOND, NOW)}
    assert bus.handle(ApplyRetention(dry_run=True)).counts["contact_details"]["vault_keys"] == 1
    assert all(vault.open(token) == "Pat O'Neill" for token in sealed.values())
    assert bus.handle(ApplyRetention()).counts["contact_details"]["vault_keys"] == 1
    assert [vault.open(token) for token in sealed.values()] == [None, "Pat O'Neill", "Pat O'Neill"]


def test_the_worker_applies_retention_once_a_day_by_the_bus_clock(survey):
    import threading

    from chassis.privacy.retention_runs import apply_daily, apply_if_due
    from devkit.testing import wait_for
    command = lambda: ApplyRetention(trigger="worker")  # noqa: E731
    stop = threading.Event()
    loop = threading.Thread(target=apply_daily, args=(survey, command, stop, 0.01))
    loop.start()
    try:
        wait_for(lambda: survey.retention_runs.last_completed("worker") is not None, 30,
                 message="the worker's first retention run")
    finally:
        stop.set()
        loop.join(10)
    survey.clock.advance(timedelta(hours=23, minutes=59))
    assert apply_if_due(survey, command) is None
    survey.clock.advance(timedelta(minutes=1))
    assert apply_if_due(survey, command).trigger == "worker"
    assert [run.trigger for run in survey.retention_runs.recent()] == ["worker", "worker"]
