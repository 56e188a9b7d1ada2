"""The detractor queue and loop-closure measures (scoped like every read), each "as it was" or
"as it is now" (`view`, #17: today's directorate names, placed as read_model.structure_records)."""
from datetime import date, timedelta, tzinfo
from itertools import islice

from sqlalchemy import func, select

from chassis.scope import allows, scoped

from analysis_svc.adapters.followups_orm import followups
from analysis_svc.adapters.orm import responses, rollups
from analysis_svc.domain.followup import DETRACTOR_MAX_SCORE, FollowUp, LoopClosure, loop_closure
from analysis_svc.domain.periods import UTC, local_midnight
from analysis_svc.read_model.structure_records import now_records


def detractor_queue(session, scope, directorate: str | None = None, done: bool = False,
                    limit: int = 50, view: str | None = None, today: date | None = None,
                    zone: tzinfo = UTC) -> list[dict]:
    """Detractor responses still waiting for a follow-up (or, with done, those followed up)."""
    columns = (responses.c.response_id, responses.c.ticket_id, responses.c.directorate,
               responses.c.service, responses.c.team, responses.c.score,
               responses.c.redacted_comment, responses.c.submitted_at, followups.c.note,
               followups.c.followed_up_by, followups.c.followed_up_at)
    if done:  # few rows: start from the follow-ups
        stmt = select(*columns).select_from(followups.join(
            responses, followups.c.response_id == responses.c.response_id)).order_by(
            followups.c.followed_up_at.desc())
    else:  # newest first along the time index, skipping the ones already done
        stmt = select(*columns).join(
            followups, followups.c.response_id == responses.c.response_id, isouter=True).where(
            responses.c.score <= DETRACTOR_MAX_SCORE, followups.c.response_id.is_(None)).order_by(
            responses.c.submitted_at.desc(), responses.c.response_id.desc())
    now = now_records(session, view, today, zone, scope, directorate)
    if now is None:
        stmt = scoped(stmt, responses.c.directorate, scope, directorate)
        return [dict(r._mapping) for r in session.execute(stmt.limit(limit))]
    stored = now.stored_names(session)
    if stored is not None:
        stmt = stmt.where(responses.c.directorate.in_(sorted(stored)))
    result = session.execute(stmt.execution_options(yield_per=200))
    try:  # rows outside the view are dropped after SQL: read on until `limit` are kept
        placed = (now.place(dict(r._mapping)) for r in result)
        return list(islice((row for row in placed if row is not None), limit))
    finally:
        result.close()


def stored_directorate_in_view(session, response_id: str, scope, view: str | None,
                               today: date | None, zone: tzinfo = UTC) -> str | None:
    """The stored directorate of a response the scope reads in the view (as the queue places
    it), or None when it reads no such response there."""
    row = session.execute(select(responses.c.directorate, responses.c.service, responses.c.team,
                                 responses.c.submitted_at)
                          .where(responses.c.response_id == response_id)).mappings().first()
    if row is None:
        return None
    now = now_records(session, view, today, zone, scope, None)
    readable = allows(scope, row["directorate"]) if now is None else now.place(dict(row))
    return row["directorate"] if readable else None


def closure(session, scope, start: date, end: date, directorate: str | None = None,
            min_cell: int = 5, zone: tzinfo = UTC, view: str | None = None,
            today: date | None = None) -> LoopClosure:
    """Loop closure over detractors answered between start and end (inclusive)."""
    now = now_records(session, view, today, zone, scope, directorate)
    if now is not None:
        return _closure_now(session, now, start, end, min_cell)
    detractors = session.execute(scoped(
        select(func.coalesce(func.sum(rollups.c.detractors), 0)).where(
            rollups.c.period_kind == "week",  # weeks start on the dates the window was cut on
            rollups.c.period_start.between(start, end)),
        rollups.c.directorate, scope, directorate)).scalar()
    stmt = scoped(select(followups.c.detractor_at, followups.c.followed_up_at).where(
        followups.c.detractor_at >= local_midnight(start, zone),
        followups.c.detractor_at < local_midnight(end + timedelta(days=7), zone)),
        followups.c.directorate, scope, directorate)
    hours = [FollowUp("", "", "", "", a, b).hours_taken for a, b in session.execute(stmt)]
    return loop_closure(int(detractors or 0), hours, min_cell)


def _closure_now(session, now, start: date, end: date, min_cell: int) -> LoopClosure:
    """closure() with each week's rollup cell and each follow-up placed in today's structure."""
    cells = session.execute(select(
        rollups.c.directorate, rollups.c.service, rollups.c.team, rollups.c.period_start,
        func.sum(rollups.c.detractors)).where(
        rollups.c.period_kind == "week", rollups.c.period_start.between(start, end)).group_by(
        rollups.c.directorate, rollups.c.service, rollups.c.team, rollups.c.period_start))
    detractors = sum(int(n or 0) for d, s, t, day, n in cells if now.place(
        {"directorate": d, "service": s, "team": t, "submitted_at": day}) is not None)
    stmt = select(followups.c.directorate, responses.c.service, responses.c.team,
                  followups.c.detractor_at, followups.c.followed_up_at).join(
        responses, responses.c.response_id == followups.c.response_id).where(
        followups.c.detractor_at >= local_midnight(start, now.zone),
        followups.c.detractor_at < local_midnight(end + timedelta(days=7), now.zone))
    hours = [FollowUp("", "", "", "", a, b).hours_taken for d, s, t, a, b in session.execute(stmt)
             if now.place({"directorate": d, "service": s, "team": t, "submitted_at": a})]
    return loop_closure(detractors, hours, min_cell)
