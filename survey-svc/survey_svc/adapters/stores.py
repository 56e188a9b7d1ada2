"""The small tables: decisions, opt-outs, policies with their audit, and the consumer inbox."""
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from chassis import inbox
from chassis.privacy import subject_of

from survey_svc.adapters.orm import decisions, opt_outs, policies, policy_audit


class Decisions:
    def __init__(self, db: Connection):
        self.db = db

    def get(self, ticket_id: str, resolution: int):
        return self.db.execute(select(decisions).where(
            decisions.c.ticket_id == ticket_id, decisions.c.resolution == resolution)).first()

    def record(self, ticket_id: str, resolution: int, surveyed: bool, reason: str | None,
               now: datetime) -> None:
        self.db.execute(decisions.insert().values(
            ticket_id=ticket_id, resolution=resolution, surveyed=surveyed, reason=reason,
            decided_at=now))


class OptOuts:
    def __init__(self, db: Connection, address_key: str | None = None):
        self.db = db
        self.address_key = address_key  # an erased person's opt-out is kept by subject hash

    def _keys(self, requester_id: str) -> list[str]:
        return sorted({requester_id, subject_of(self.address_key, requester_id=requester_id)}
                      - {None})

    def contains(self, requester_id: str) -> bool:
        return self.db.scalar(select(opt_outs.c.requester_id).where(
            opt_outs.c.requester_id.in_(self._keys(requester_id))).limit(1)) is not None

    def add(self, requester_id: str, source: str, now: datetime) -> bool:
        if self.contains(requester_id):
            return False
        self.db.execute(opt_outs.insert().values(
            requester_id=requester_id, source=source, opted_out_at=now))
        return True

    def remove(self, requester_id: str) -> bool:
        return self.db.execute(delete(opt_outs).where(
            opt_outs.c.requester_id.in_(self._keys(requester_id)))).rowcount > 0


class Policies:
    def __init__(self, db: Connection):
        self.db = db

    def all(self) -> dict[str, dict]:
        return {row.directorate: row.settings for row in self.db.execute(select(policies))}

    def get(self, directorate: str) -> dict | None:
        return self.db.scalar(
            select(policies.c.settings).where(policies.c.directorate == directorate))

    def put(self, directorate: str, settings: dict, who: str, now: datetime) -> None:
        old = self.get(directorate)
        if old is None:
            self.db.execute(policies.insert().values(
                directorate=directorate, settings=settings, updated_at=now, updated_by=who))
        else:
            self.db.execute(policies.update().where(policies.c.directorate == directorate)
                                 .values(settings=settings, updated_at=now, updated_by=who))
        self.db.execute(policy_audit.insert().values(
            directorate=directorate, changed_at=now, changed_by=who, old=old, new=settings))

    def audit(self, directorate: str) -> list[dict]:
        rows = self.db.execute(select(policy_audit).where(
            policy_audit.c.directorate == directorate).order_by(policy_audit.c.id))
        return [dict(row._mapping) for row in rows]


class Inbox:
    def __init__(self, db: Connection):
        self.db = db

    """The unit of work's one-event view of chassis.inbox."""

    def seen(self, event_id: str) -> bool:
        return bool(inbox.seen(self.db, [event_id]))

    def add(self, event_id: str, now: datetime) -> None:
        inbox.mark(self.db, [event_id], now)
