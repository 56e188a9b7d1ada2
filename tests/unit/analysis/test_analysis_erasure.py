"""Erasure in analysis-svc: comments, names, follow-up notes and alert mails go, the numbers
stay; a repeated request does nothing twice; replayed or late events land anonymous."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from chassis.testing import FakeClock, FakePublisher

from analysis_svc.adapters import orm
from analysis_svc.adapters.followups_orm import followups
from analysis_svc.adapters.mail_outbox import alert_mail_outbox
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain import commands
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import invitation, record, response
from analysis_svc.domain.erased import ERASED_COMMENT

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
SUBJECT = "a" * 64


@pytest.fixture
def services(tmp_path, analyser):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", admin_token="admin",
                        alert_email=True)
    services = build(settings, analyser=analyser, publisher=FakePublisher(), clock=FakeClock(NOW))
    services.handle(commands.IssueToken(("Adults",), email="partner@example.org"))
    services.learner.every = 1
    yield services
    services.close()


def rows(services, table):
    with services.sessions() as session:
        return [dict(r) for r in session.execute(select(table)).mappings()]


def history():
    return [record(invitation("created", "inv1", name="Priya Shah")),
            record(response("r1", invitation_id="inv1", score=1,
                            comment="Priya Shah was bad, Dave Smith worse"))]


def numbers(services):
    keep = ("score", "label", "compound", "themes", "directorate", "service", "team", "month")
    cells = [{k: v for k, v in c.items() if k != "id"} for c in rows(services, orm.rollups)]
    return [{k: r[k] for k in keep} for r in rows(services, orm.responses)], cells


def erase(services, request_id="req-1", report=True):
    return services.handle(commands.EraseSubjects(request_id, (SUBJECT,), ("inv1",), report))


def test_erasure_keeps_the_numbers_and_loses_the_person(services):
    handle_records(services, history())
    services.handle(commands.MarkFollowedUp("r1", "Rang Priya back", "bp", None))
    before = numbers(services)
    counts = erase(services)
    assert counts == {"responses": 1, "invitations": 1, "followups": 1, "alert_mails": 1}
    [row] = rows(services, orm.responses)
    assert row["redacted_comment"] == ERASED_COMMENT and numbers(services) == before
    assert [i["requester_name"] for i in rows(services, orm.invitations)] == [None]
    assert "Priya" not in str(rows(services, followups))
    [mail] = rows(services, alert_mail_outbox)
    assert "Dave" not in mail["body"] and "Response id: r1" in mail["body"]
    [done] = services.publisher.of_type("erasure.completed")
    assert (done.data["service"], done.data["counts"]) == ("analysis-svc", counts)


def test_a_repeated_request_does_nothing_twice(services):
    handle_records(services, history())
    assert erase(services) == erase(services)
    reports = services.publisher.of_type("erasure.completed")
    assert len(reports) == 2 and len({r.event_id for r in reports}) == 1


def test_a_replay_after_erasure_rebuilds_the_numbers_without_the_person(services):
    handle_records(services, history())
    before = numbers(services)
    erase(services)
    services.publisher.published.clear()
    services.analyser.learned.clear()
    services.handle(commands.PrepareRebuild(reset=True))
    services.handle(commands.ReplayBatch(history(), publish=True))
    assert numbers(services) == before
    [row] = rows(services, orm.responses)
    assert row["redacted_comment"] == ERASED_COMMENT
    assert [i["requester_name"] for i in rows(services, orm.invitations)] == [None]
    sent = [e.data.get("redacted_comment") for e in services.publisher.published]
    assert sent and not any(sent) and services.analyser.learned == []


def test_an_answer_arriving_after_its_erasure_lands_anonymous(services):
    erase(services)
    handle_records(services, history())
    [row] = rows(services, orm.responses)
    assert row["redacted_comment"] == ERASED_COMMENT and row["label"] == "negative"
    assert all("Dave" not in m["body"] for m in rows(services, alert_mail_outbox))
    [alert] = services.publisher.of_type("alert.detractor")
    assert alert.data["redacted_comment"] is None
