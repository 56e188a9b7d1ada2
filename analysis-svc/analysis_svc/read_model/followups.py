"""The detractor queue and loop-closure measures (scoped like every read)."""
from datetime import date, timedelta, tzinfo

from sqlalchemy import func, select

from chassis.scope import scoped

from analysis_svc.adapters.followups_orm import followups
from analysis_svc.adapters.orm import responses, rollups
from analysis_svc.domain.followup import DETRACTOR_MAX_SCORE, FollowUp, LoopClosure, loop_closure
from analysis_svc.domain.periods import UTC, local_midnight


def detractor_queue(session, scope, directorate: str | None = None, done: bool = False,
                    limit: int = 50) -> list[dict]:
    """Detractor responses still waiting for a follow-up (or, with done, those followed up)."""
    columns = (responses.c.response_id, responses.c.ticket_id, responses.c.directorate,
               responses.c.service, responses.c.score,
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
    stmt = scoped(stmt, responses.c.directorate, scope, directorate)
    return [dict(r._mapping) for r in session.execute(stmt.limit(limit))]


def closure(session, scope, start: date, end: date, directorate: str | None = None,
            min_cell: int = 5, zone: tzinfo = UTC) -> LoopClosure:
    """Loop closure over detractors answered between start and end (inclusive)."""
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
