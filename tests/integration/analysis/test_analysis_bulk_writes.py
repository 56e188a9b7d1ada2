"""The consumer's bulk writes (one array per column on PostgreSQL, executemany on SQLite) store,
amend, roll up, claim and look up exactly as row-by-row statements would, on both databases."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from chassis.db import make_engine, migrate, session_factory

from analysis_svc.adapters.erasure import ErasureRepository
from analysis_svc.adapters.orm import privacy, responses, rollup_themes, rollups
from analysis_svc.adapters.repository import SqlRepository
from analysis_svc.bootstrap import MIGRATIONS
from analysis_svc.domain.periods import local_day, periods_of_day
from analysis_svc.service_layer.measures import COUNTERS
from analysis_svc.service_layer.rollups import Deltas

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 12, 9, tzinfo=timezone.utc)
AT = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)


@pytest.fixture
def sessions(db_url):
    migrate(db_url, MIGRATIONS)
    engine = make_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


def _row(response_id: str, version: int = 1, **changes) -> dict:
    periods = {kind: period for kind, period, _ in periods_of_day(local_day(AT))}
    return {"response_id": response_id, "version": version, "invitation_id": None,
            "ticket_id": "T1", "directorate": "Adults", "service": "Email", "team": "Desk",
            "category": None, "channel": "email", "source": None, "language": "en", "score": 2,
            "resolved": None, "redacted_comment": "slow and bad", "label": "negative",
            "compound": -0.75, "themes": ["speed", "contact"], "disagreement": False,
            "submitted_at": AT, "week": periods["week"], "month": periods["month"],
            "updated_at": NOW, "subject": "s1", "question_set": None, "answers": None,
            "nps": None, "ces": None} | changes


def _stored(sessions, response_id: str) -> dict:
    with sessions() as session:
        return SqlRepository(session).responses_by_id([response_id]).get(response_id)


def test_new_and_amended_rows_are_stored_as_given(sessions):
    first = _row("r1")
    other = _row("r2", redacted_comment=None, themes=[], compound=0.0, label="neutral", score=5,
                 answers=[{"question_id": "nps", "value": 9}], nps=9, question_set="qs-1",
                 submitted_at=datetime(2026, 11, 10, 9))  # naive: UTC
    with sessions() as session:
        SqlRepository(session).save_responses([first, other], [])
        session.commit()
    assert _stored(sessions, "r1") == first
    assert _stored(sessions, "r2") == other | {"submitted_at": AT}
    amended = _row("r1", 2, score=5, redacted_comment=None, themes=[], compound=0.1,
                   answers=[{"question_id": "ces", "value": 3}], ces=3)
    with sessions() as session:
        SqlRepository(session).save_responses([], [amended])
        session.commit()
    assert _stored(sessions, "r1") == amended
    with sessions() as session:  # JSON null for no answers, as SQLAlchemy's JSON type writes it
        assert session.execute(select(responses.c.answers.is_(None)).where(
            responses.c.response_id == "r2")).scalar() is False


def test_an_id_longer_than_its_column_is_not_cut_to_match_another(sessions):
    stored = "a" * 64
    with sessions() as session:
        SqlRepository(session).save_responses([_row(stored)], [])
        session.commit()
    with sessions() as session:
        repo = SqlRepository(session)
        assert set(repo.responses_by_id([stored, stored + "b"])) == {stored}


def _cells(sessions) -> dict:
    with sessions() as session:
        cells = {(r["period_kind"], r["team"]): {c: r[c] for c in COUNTERS}
                 for r in session.execute(select(rollups)).mappings()}
        themes = {(r["period_kind"], r["theme"]): r["count"]
                  for r in session.execute(select(rollup_themes)).mappings()}
    return {"cells": cells, "themes": themes}


def test_rollups_add_up_and_an_amendment_subtracts_exactly_what_it_added(sessions):
    commented, plain = _row("r1"), _row("r2", team="Other", redacted_comment=None, themes=[],
                                        compound=0.0, score=4)
    deltas = Deltas()
    deltas.add_response(commented)  # floats in one cell, integer zeros in the other
    deltas.add_response(plain)
    with sessions() as session:
        SqlRepository(session).apply(deltas)
        session.commit()
    once = _cells(sessions)
    assert once["cells"][("week", "Desk")]["sentiment_sum"] == pytest.approx(-0.75)
    assert once["cells"][("month", "Other")]["satisfied"] == 1
    assert once["themes"] == {("week", "speed"): 1, ("week", "contact"): 1,
                              ("month", "speed"): 1, ("month", "contact"): 1}
    amended = _row("r1", 2, score=5, redacted_comment="quick", themes=["speed"], compound=0.5)
    deltas = Deltas()
    deltas.replace_response(commented, amended)
    with sessions() as session:
        SqlRepository(session).apply(deltas)
        session.commit()
    expected = Deltas()
    expected.add_response(amended)
    expected.add_response(plain)
    with sessions() as session:
        session.execute(rollups.delete())
        session.execute(rollup_themes.delete())
        SqlRepository(session).apply(expected)
        fresh = (session.execute(select(rollups)).mappings().all(),
                 session.execute(select(rollup_themes)).mappings().all())
        session.rollback()
    after = _cells(sessions)
    assert after["cells"] == {(r["period_kind"], r["team"]): {c: pytest.approx(r[c]) for c in COUNTERS}
                              for r in fresh[0]}
    assert {k: n for k, n in after["themes"].items() if n} == {
        (r["period_kind"], r["theme"]): r["count"] for r in fresh[1]}


def test_an_alert_is_claimed_once(sessions):
    with sessions() as session:
        repo = SqlRepository(session)
        assert repo.claim_alerts([("a1", "detractor", "Adults"), ("a2", "detractor", "Adults"),
                                  ("a1", "detractor", "Adults")], NOW) == {"a1", "a2"}
        session.commit()
    with sessions() as session:
        repo = SqlRepository(session)
        assert repo.claim_alerts([("a1", "detractor", "Adults"),
                                  ("a3", "detractor", "Adults")], NOW) == {"a3"}
        assert repo.claim_alerts([], NOW) == set()


def test_drop_sums_of_many_periods_equal_one_query_per_period(sessions):
    deltas = Deltas()
    for i, (team, at) in enumerate([("Desk", AT), ("Other", AT),
                                    ("Desk", datetime(2026, 10, 2, tzinfo=timezone.utc))]):
        deltas.add_response(_row(f"r{i}", team=team, submitted_at=at))
    with sessions() as session:
        repo = SqlRepository(session)
        repo.apply(deltas)
        wanted = sorted({(key[3], key[4]) for key in deltas.cells} | {("week", "1999-W01")})
        many = repo.directorate_sums_many(wanted)
        for kind in ("week", "month"):
            periods = [p for k, p in wanted if k == kind]
            assert many[kind] == repo.directorate_sums(kind, periods)
        assert many["month"]["Adults"]["2026-11"]["responses"] == 2


def test_inbox_and_erased_refs_are_looked_up_in_bulk(sessions):
    with sessions() as session:
        repo, erasures = SqlRepository(session), ErasureRepository(session)
        repo.mark_processed(["e1", "e2", "e1"], NOW)
        assert repo.seen(["e1", "e3"]) == {"e1"}
        session.execute(privacy["erased_refs"].insert(), [
            {"ref": "inv-1", "kind": "invitation", "request_id": "q1", "erased_at": NOW},
            {"ref": "s" * 64, "kind": "subject", "request_id": "q1", "erased_at": NOW}])
        assert erasures.erased({"inv-1", "inv-2", "s" * 64 + "x"}) == {"inv-1"}
        assert erasures.erased(set()) == set()


def test_a_response_stored_twice_fails_as_an_insert_does(sessions):
    """The batch then retries message by message (an amendment), as with a plain INSERT."""
    with sessions() as session:
        SqlRepository(session).save_responses([_row("r1")], [])
        session.commit()
    with sessions() as session, pytest.raises(IntegrityError):
        SqlRepository(session).save_responses([_row("r2"), _row("r1")], [])
