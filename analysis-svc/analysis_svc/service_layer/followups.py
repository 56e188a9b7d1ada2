"""The detractor queue, marking a case followed up, and loop-closure measures (all scoped)."""
from datetime import date, datetime, timedelta, timezone, tzinfo

from sqlalchemy import false, func, select

from analysis_svc.adapters.followups_orm import followups
from analysis_svc.adapters.orm import responses, rollups
from analysis_svc.domain.periods import UTC, local_midnight
from analysis_svc.domain.followup import DETRACTOR_MAX_SCORE, FollowUp, LoopClosure, follow_up, loop_closure


class NotFound(LookupError):
    """No such detractor response within the caller's scope."""


def _in_scope(stmt, column, scope: set[str] | None, directorate: str | None):
    if scope is not None:
        stmt = stmt.where(column.in_(sorted(scope)) if scope else false())
    return stmt.where(column == directorate) if directorate else stmt


def detractor_queue(session, scope, directorate: str | None = None, done: bool = False,
                    limit: int = 50) -> list[dict]:
    """Detractor responses still waiting for a follow-up (or, with done, those followed up)."""
    columns = (responses.c.response_id, responses.c.directorate, responses.c.service, responses.c.score,
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
    stmt = _in_scope(stmt, responses.c.directorate, scope, directorate)
    return [dict(r._mapping) for r in session.execute(stmt.limit(limit))]


def mark_followed_up(session, scope, response_id: str, note: str, by: str,
                     now: datetime | None = None) -> FollowUp:
    """Record a follow-up once; marking it again keeps the first record. Raises NotFound."""
    stmt = _in_scope(select(responses.c.response_id, responses.c.directorate, responses.c.score,
                            responses.c.submitted_at).where(responses.c.response_id == response_id),
                     responses.c.directorate, scope, None)
    row = session.execute(stmt).mappings().first()
    if row is None:
        raise NotFound(response_id)
    record = follow_up(dict(row), note, by,
                       now or datetime.now(timezone.utc))
    if session.execute(select(followups.c.response_id).where(
            followups.c.response_id == response_id)).first() is None:
        session.execute(followups.insert().values(**record.__dict__))
    return record


def closure(session, scope, start: date, end: date, directorate: str | None = None,
            min_cell: int = 5, zone: tzinfo = UTC) -> LoopClosure:
    """Loop closure over detractors answered between start and end (inclusive)."""
    detractors = session.execute(_in_scope(
        select(func.coalesce(func.sum(rollups.c.detractors), 0)).where(
            rollups.c.period_kind == "week",  # weeks start on the dates the window was cut on
            rollups.c.period_start.between(start, end)),
        rollups.c.directorate, scope, directorate)).scalar()
    stmt = _in_scope(select(followups.c.detractor_at, followups.c.followed_up_at).where(
        followups.c.detractor_at >= local_midnight(start, zone),
        followups.c.detractor_at < local_midnight(end + timedelta(days=7), zone)),
        followups.c.directorate, scope, directorate)
    hours = [FollowUp("", "", "", "", a, b).hours_taken for a, b in session.execute(stmt)]
    return loop_closure(int(detractors or 0), hours, min_cell)
