"""Read-only views for the API: no domain objects, just rows."""
from sqlalchemy import Integer, cast, func, select

from survey_svc.adapters.orm import invitations as t
from survey_svc.domain.model import BOUNCED, CANCELLED

COUNTS = ("invited", "sent", "answered", "bounced")


def invitations_by(session, ticket_id=None, requester_id=None, limit: int = 500) -> list[dict]:
    stmt = select(t).order_by(t.c.created_at.desc()).limit(limit)
    if ticket_id:
        stmt = stmt.where(t.c.ticket_id == ticket_id)
    if requester_id:
        stmt = stmt.where(t.c.requester_id == requester_id)
    return [dict(row._mapping) for row in session.execute(stmt)]


def counts(session, since=None, until=None, directorate=None) -> list[dict]:
    """Invited, sent, answered and bounced per directorate, by creation time."""
    flag = lambda cond: func.sum(cast(cond, Integer))  # noqa: E731
    stmt = (select(t.c.directorate,
                   flag(t.c.status != CANCELLED).label("invited"),
                   flag(t.c.sent_at.is_not(None)).label("sent"),
                   flag(t.c.answered_at.is_not(None)).label("answered"),
                   flag(t.c.status == BOUNCED).label("bounced"))
            .group_by(t.c.directorate).order_by(t.c.directorate))
    for cond in ((t.c.created_at >= since) if since else None,
                 (t.c.created_at < until) if until else None,
                 (t.c.directorate == directorate) if directorate else None):
        if cond is not None:
            stmt = stmt.where(cond)
    return [{**row._mapping, **{k: row._mapping[k] or 0 for k in COUNTS}}
            for row in session.execute(stmt)]
