"""The ticket trail on the dashboard: per answer, and the failing write-backs' count (scoped)."""
from sqlalchemy import func, select

from chassis.scope import scoped

from analysis_svc.adapters.ticket_trail_orm import ticket_trail

FAILING = ("retrying", "parked")


def trail_for(session, scope, response_ids: list[str]) -> dict[str, dict]:
    """response_id -> its write-back's state and the team's latest follow-up."""
    if not response_ids:
        return {}
    stmt = scoped(select(ticket_trail).where(ticket_trail.c.response_id.in_(response_ids)),
                  ticket_trail.c.directorate, scope)
    return {row.response_id: dict(row._mapping) for row in session.execute(stmt)}


def failing_write_backs(session, scope, directorate: str | None = None) -> int:
    """Write-backs the service desk has not taken (yet): retrying or parked."""
    stmt = scoped(select(func.count()).select_from(ticket_trail).where(
        ticket_trail.c.status.in_(FAILING)), ticket_trail.c.directorate, scope, directorate)
    return int(session.execute(stmt).scalar() or 0)
