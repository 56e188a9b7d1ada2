"""The batch handler: once per response, amendments replace, poison to the DLQ, alerts once."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from chassis.testing import FakeClock, FakePublisher

from analysis_svc import read_model as queries
from analysis_svc.adapters import orm
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.entrypoints.worker import handle_records

from analysis_svc.testing import invitation, raw_record, record, response

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


@pytest.fixture
def services(tmp_path, analyser):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", admin_token="admin")
    services = build(settings, analyser=analyser, publisher=FakePublisher(), clock=FakeClock(NOW))
    yield services
    services.close()


def _rows(services, table):
    with services.sessions() as session:
        return [dict(r) for r in session.execute(select(table)).mappings()]


def _cell(services, kind="month"):
    with services.sessions() as session:
        return [dict(r) for r in session.execute(
            select(orm.rollups).where(orm.rollups.c.period_kind == kind)).mappings()]


def test_a_response_is_stored_scored_and_rolled_up(services):
    env = response("r1", score=5, comment="good and quick")
    services.learner.every = 1
    assert handle_records(services, [record(env)]) == 1
    [row] = _rows(services, orm.responses)
    assert (row["score"], row["label"], row["themes"]) == (5, "positive", ["speed"])
    [cell] = _cell(services)
    assert (cell["responses"], cell["satisfied"], cell["commented"]) == (1, 1, 1)
    [scored] = services.publisher.of_type("response.scored")
    assert scored.data["response_id"] == "r1" and scored.key == "r1"
    assert services.analyser.learned == [("good and quick", 5)]


def test_redelivery_of_the_same_event_changes_nothing(services):
    env = response("r1", score=2)
    handle_records(services, [record(env), record(env)])
    handle_records(services, [record(env)])
    assert _cell(services)[0]["responses"] == 1
    assert len(services.publisher.of_type("alert.detractor")) == 1


def test_an_amendment_replaces_and_never_adds(services):
    handle_records(services, [record(response("r1", score=1, comment="bad"))])
    handle_records(services, [record(response("r1", version=2, score=5, comment="good now"))])
    handle_records(services, [record(response("r1", version=1, score=1, comment="bad"))])  # stale
    [row] = _rows(services, orm.responses)
    assert (row["version"], row["score"], row["redacted_comment"]) == (2, 5, "good now")
    [cell] = _cell(services)
    assert (cell["responses"], cell["satisfied"], cell["detractors"], cell["score_sum"]) == (1, 1, 0, 5)


def test_amendment_moving_periods_moves_the_count(services):
    handle_records(services, [record(response("r1", submitted_at=datetime(2026, 10, 30, tzinfo=timezone.utc)))])
    handle_records(services, [record(response("r1", version=2, submitted_at=NOW))])
    cells = {c["period"]: c["responses"] for c in _cell(services)}
    assert cells == {"2026-10": 0, "2026-11": 1}


def test_requester_name_is_redacted_and_invitations_counted(services):
    handle_records(services, [record(invitation("created", "inv1", name="Priya Shah")),
                           record(invitation("sent", "inv1")),
                           record(invitation("sent", "inv1")),
                           record(response("r1", invitation_id="inv1", comment="Priya Shah was good"))])
    [row] = _rows(services, orm.responses)
    assert "Priya" not in row["redacted_comment"]
    [cell] = _cell(services)
    assert (cell["invitations"], cell["invited_responses"]) == (1, 1)


def test_poison_goes_to_the_dlq_and_the_rest_is_kept(services):
    good = response("r1")
    stored = handle_records(services, [raw_record(b"not json"), record(good),
                                       raw_record(b'{"event_type":"response.submitted"}')])
    assert stored == 1
    rejected = services.publisher.of_type("message.rejected")
    assert len(rejected) == 2 and rejected[0].data["value"] == "not json"


def test_significant_drop_raises_one_alert(services):
    before = datetime(2026, 10, 10, tzinfo=timezone.utc)
    handle_records(services, [record(response(score=5, submitted_at=before)) for _ in range(20)])
    handle_records(services, [record(response(score=1, submitted_at=NOW)) for _ in range(10)])
    handle_records(services, [record(response(score=1, submitted_at=NOW)) for _ in range(3)])
    drops = services.publisher.of_type("alert.significant_drop")
    assert [(d.data["period"], d.data["previous_csat"], d.data["current_csat"]) for d in drops] == [
        ("2026-11", 1.0, 0.0)]


def test_queries_suppress_small_cells_and_respect_scope(services):
    handle_records(services, [record(response(score=5, directorate="Adults")) for _ in range(5)]
                          + [record(response(score=5, directorate="Children")) for _ in range(4)])
    filters = queries.Filters(period="month")
    with services.sessions() as session:
        rows = {r["directorate"]: r for r in queries.trends(session, None, filters)}
        assert rows["Adults"]["responses"] == 5 and rows["Adults"]["csat"] == 1.0
        assert rows["Children"]["suppressed"] and rows["Children"]["responses"] is None
        scoped = queries.trends(session, {"Children"}, filters)
        assert {r["directorate"] for r in scoped} == {"Children"}
        assert queries.trends(session, set(), filters) == []
        page = queries.responses_page(session, {"Adults"}, queries.ResponseFilters(), limit=3)
        assert len(page["items"]) == 3 and page["next_cursor"]
        rest = queries.responses_page(session, {"Adults"}, queries.ResponseFilters(),
                                      page["next_cursor"], limit=3)
        assert len(rest["items"]) == 2 and rest["next_cursor"] is None
        assert {i["directorate"] for i in page["items"] + rest["items"]} == {"Adults"}


def test_period_change_and_trend_match_hand_computed_values(services):
    months = [datetime(2026, m, 10, tzinfo=timezone.utc) for m in (8, 9, 10)]
    batch = []
    for at, satisfied in zip(months, (20, 30, 40)):
        batch += [record(response(score=5 if i < satisfied else 1, submitted_at=at)) for i in range(50)]
    handle_records(services, batch)
    with services.sessions() as session:
        rows = queries.trends(session, None, queries.Filters(period="month"))
        [summary] = queries.summary(session, None, queries.Filters(period="month", trend_periods=3))
    october = [r for r in rows if r["period"] == "2026-10"][0]
    # 40/50 vs 30/50: pooled 0.7, z = 0.2 / sqrt(0.7 * 0.3 * 0.04) = 2.1822, p = 0.0291
    assert october["change"]["p_value"] == pytest.approx(0.0291, abs=1e-4)
    assert october["change"]["significant"] and october["change"]["delta"] == 0.2
    # 20, 30, 40 of 50: p = 0.6, T = 0*(-10) + 1*0 + 2*10 = 20, var = 0.24 * 50 * 2 = 24
    assert summary["trend"]["z"] == pytest.approx(20 / 24 ** 0.5, abs=1e-4)
    assert summary["trend"]["direction"] == "up"
