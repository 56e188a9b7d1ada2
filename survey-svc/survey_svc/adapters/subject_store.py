"""What survey-svc holds about one person, each kind of record as stored (for subject access)."""
import orjson
from sqlalchemy import and_, false, or_, select
from sqlalchemy.engine import Connection

from survey_svc.adapters.orm import (decisions, erasure_progress, erasure_requests, invitations,
                                     itsm_writebacks, metadata, opt_outs, ticket_refs)

_outbox = metadata.tables["event_outbox"]


def _rows(db: Connection, stmt) -> list[dict]:
    return [dict(row._mapping) for row in db.execute(stmt)]


def _event(payload: bytes):
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return payload.decode("utf-8", "replace")


def _of_tickets(table, pairs: set[tuple[str, int]]):
    """Rows about these (ticket id, resolution) pairs."""
    if not pairs:
        return false()
    return or_(*(and_(table.c.ticket_id == t, table.c.resolution == r) for t, r in sorted(pairs)))


class SubjectStore:
    def __init__(self, db: Connection):
        self.db = db

    def held(self, invitation_ids: set[str], requester_ids: set[str],
             subjects: set[str]) -> dict[str, list]:
        """Their invitations and what hangs off them, opt-outs, erasure requests and events."""
        found = _rows(self.db, select(invitations).where(invitations.c.id.in_(sorted(invitation_ids)))
                      .order_by(invitations.c.created_at))
        pairs = {(i["ticket_id"], i["resolution"]) for i in found}
        requests = [r for r in _rows(self.db, select(erasure_requests).order_by(
            erasure_requests.c.requested_at)) if set(r["subjects"] or ()) & subjects]
        return {
            "invitations": found,
            "decisions": _rows(self.db, select(decisions).where(_of_tickets(decisions, pairs))),
            "ticket_refs": _rows(self.db, select(ticket_refs).where(_of_tickets(ticket_refs, pairs))),
            "itsm_writebacks": _rows(self.db, select(itsm_writebacks).where(
                itsm_writebacks.c.ticket_id.in_(sorted({t for t, _ in pairs})))),
            "opt_outs": _rows(self.db, select(opt_outs).where(
                opt_outs.c.requester_id.in_(sorted(requester_ids | subjects)))),
            "erasure_requests": [{**r, "progress": _rows(self.db, select(erasure_progress).where(
                erasure_progress.c.request_id == r["id"]))} for r in requests],
            "outbox_events": [{**{k: v for k, v in e.items() if k != "payload"},
                               "event": _event(e["payload"])} for e in _rows(self.db, select(_outbox).where(
                                   _outbox.c.key.in_(sorted(invitation_ids))).order_by(_outbox.c.id))],
        }
