"""Retention in analysis-svc, by an injected clock, on SQLite and PostgreSQL: answers past their
period lose the redacted comment and subject but keep every figure; names, follow-up notes and
alert mails go; rollups stay; rows just inside their period stay."""
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from chassis.testing import FakeClock

from analysis_svc.adapters.followups_orm import followups
from analysis_svc.adapters.mail_outbox import alert_mail_outbox
from analysis_svc.adapters.orm import invitations, privacy, responses, rollups
from analysis_svc.adapters.retention import EXPIRED_NOTE
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import ApplyRetention
from analysis_svc.domain.erased import ERASED_COMMENT

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)
TWO_YEARS_AGO = datetime(2024, 3, 31, 12, 0, tzinfo=timezone.utc)
THIRTY_DAYS_AGO = NOW - timedelta(days=30)
SECOND = timedelta(seconds=1)
EDGE = (("past", -SECOND), ("inside", SECOND))


@pytest.fixture
def analysis(db_url):
    bus = build(Settings(database_url=db_url, admin_token="a", model_dir=""), clock=FakeClock(NOW))
    yield bus
    bus.close()


def _answer(name, at):
    return {"response_id": name, "version": 1, "invitation_id": name, "ticket_id": f"INC-{name}",
            "directorate": "Adults", "service": "Email", "team": "Desk", "category": "Software",
            "channel": "email", "source": "survey", "language": "en", "score": 1,
            "resolved": "no", "redacted_comment": "[NAME] never called back", "label": "negative",
            "compound": -0.7, "themes": ["communication"], "disagreement": False,
            "submitted_at": at, "week": "2024-W13", "month": "2024-03", "updated_at": at,
            "subject": "a" * 64}


def _mail(name, created_at, sent_at=None, parked_at=None):
    return {"alert_event_id": name, "recipient": "bp@council.example", "subject": "Detractor",
            "body": "Comment (redacted): [NAME] never called back", "created_at": created_at,
            "sent_at": sent_at, "parked_at": parked_at}


def _seed(bus):
    audit = privacy["access_audit"]
    with bus.engine.begin() as db:
        db.execute(responses.insert(), [_answer(n, TWO_YEARS_AGO + s) for n, s in EDGE])
        db.execute(invitations.insert(), [
            {"invitation_id": n, "directorate": "Adults", "service": "Email", "team": "Desk",
             "requester_name": "Pat O'Neill", "created_at": TWO_YEARS_AGO + s, "status": "sent"}
            for n, s in EDGE])
        db.execute(followups.insert(), [
            {"response_id": n, "directorate": "Adults", "note": "Rang Pat at home",
             "followed_up_by": "bp@council.example", "detractor_at": TWO_YEARS_AGO + s,
             "followed_up_at": TWO_YEARS_AGO + s + timedelta(hours=5)} for n, s in EDGE])
        db.execute(alert_mail_outbox.insert(), [
            _mail("sent-past", NOW - timedelta(days=40), sent_at=THIRTY_DAYS_AGO - SECOND),
            _mail("sent-inside", NOW - timedelta(days=40), sent_at=THIRTY_DAYS_AGO + SECOND),
            _mail("parked-past", NOW - timedelta(days=40), parked_at=THIRTY_DAYS_AGO - SECOND),
            _mail("unsent-past", TWO_YEARS_AGO - SECOND),
            _mail("unsent-inside", TWO_YEARS_AGO + SECOND)])
        db.execute(audit.insert(), [{"at": TWO_YEARS_AGO + s, "actor": "admin", "action": n,
                                     "filters": {}, "rows": 1} for n, s in EDGE])
        db.execute(rollups.insert().values(
            directorate="Adults", service="Email", team="Desk", period_kind="month",
            period="2024-03", period_start=date(2024, 3, 1), responses=2, detractors=2,
            score_sum=2, sentiment_sum=-1.4, commented=2))


EXPECTED = {"comments": {"comments": 1, "followup_notes": 1, "unsent_alert_mails": 1},
            "contact_details": {"answer_subjects": 1, "requester_names": 1},
            "delivered": {"alert_mails": 2}, "access_audit": {"access_audit": 1}}
FIGURES = (responses.c.score, responses.c.label, responses.c.compound, responses.c.themes,
           responses.c.directorate, responses.c.submitted_at, responses.c.month)


def _snapshot(bus) -> dict:
    with bus.engine.connect() as db:
        return {
            "answers": {r.response_id: tuple(r) for r in db.execute(select(
                responses.c.response_id, responses.c.redacted_comment, responses.c.subject, *FIGURES))},
            "names": dict(db.execute(select(invitations.c.invitation_id,
                                            invitations.c.requester_name)).all()),
            "notes": dict(db.execute(select(followups.c.response_id, followups.c.note)).all()),
            "mails": set(db.scalars(select(alert_mail_outbox.c.alert_event_id))),
            "audit": set(db.scalars(select(privacy["access_audit"].c.action))),
            "rollups": [tuple(r) for r in db.execute(select(rollups))]}


def test_a_dry_run_counts_and_changes_nothing(analysis):
    _seed(analysis)
    before = _snapshot(analysis)
    assert analysis.handle(ApplyRetention(dry_run=True)).counts == EXPECTED
    assert _snapshot(analysis) == before
    assert [r.dry_run for r in analysis.retention_runs.recent()] == [True]


def test_exactly_what_is_past_its_period_goes_and_the_figures_stay(analysis):
    _seed(analysis)
    before = _snapshot(analysis)
    assert analysis.handle(ApplyRetention(trigger="worker")).counts == EXPECTED
    after = _snapshot(analysis)
    assert after["answers"]["past"] == ("past", ERASED_COMMENT, None) + before["answers"]["past"][3:]
    assert after["answers"]["inside"] == before["answers"]["inside"]
    assert after["names"] == {"past": None, "inside": "Pat O'Neill"}
    assert after["notes"] == {"past": EXPIRED_NOTE, "inside": "Rang Pat at home"}
    assert after["mails"] == {"sent-inside", "unsent-inside"}
    assert after["audit"] == {"inside"}
    assert after["rollups"] == before["rollups"]
    assert analysis.handle(ApplyRetention(trigger="worker")).total == 0


def test_the_cli_dry_run_prints_counts_and_changes_nothing(db_url, tmp_path):
    bus = build(Settings(database_url=db_url, admin_token="a", model_dir=""))
    _seed(bus)  # its 2024 rows are all past their period by the real clock
    before = _snapshot(bus)
    env = dict(os.environ, ANALYSIS_DATABASE_URL=db_url, ANALYSIS_MODEL_DIR="",
               PRIVACY_MASTER_KEY="m" * 32, PRIVACY_VAULT_URL=f"sqlite:///{tmp_path / 'vault.db'}")
    cli = [sys.executable, "-m", "analysis_svc.entrypoints.cli", "retention"]
    dry = subprocess.run(cli + ["run", "--dry-run"], capture_output=True, text=True, env=env,
                         timeout=300)
    assert dry.returncode == 0, dry.stderr
    assert "dry run: nothing changed" in dry.stdout
    assert "comments 2, followup_notes 2, unsent_alert_mails 2" in dry.stdout
    assert _snapshot(bus) == before
    listed = subprocess.run(cli + ["runs"], capture_output=True, text=True, env=env, timeout=300)
    assert "cli     dry run" in listed.stdout
    bus.close()
