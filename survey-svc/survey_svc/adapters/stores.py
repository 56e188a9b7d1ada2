"""The small tables: decisions, opt-outs, policies with their audit, and the consumer inbox."""
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from chassis import inbox
from chassis.privacy import subject_of

from survey_svc.adapters.orm import (decisions, opt_outs, organisation_policies,
                                     organisation_policy_audit, policies, policy_audit)


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
    """Overrides keyed by directorate ('*' the defaults), or, with the organisation tables, by
    organisation id: each change audited."""

    def __init__(self, db: Connection, table=policies, audit_table=policy_audit,
                 key: str = "directorate"):
        self.db, self.table, self.audit_table = db, table, audit_table
        self.key, self.column = key, table.c[key]

    def all(self) -> dict[str, dict]:
        return {row._mapping[self.key]: row.settings for row in self.db.execute(select(self.table))}

    def get(self, name: str) -> dict | None:
        return self.db.scalar(select(self.table.c.settings).where(self.column == name))

    def put(self, name: str, settings: dict, who: str, now: datetime) -> None:
        old = self.get(name)
        if old is None:
            self.db.execute(self.table.insert().values(
                {self.key: name, "settings": settings, "updated_at": now, "updated_by": who}))
        else:
            self.db.execute(self.table.update().where(self.column == name)
                                .values(settings=settings, updated_at=now, updated_by=who))
        self.db.execute(self.audit_table.insert().values(
            {self.key: name, "changed_at": now, "changed_by": who, "old": old, "new": settings}))

    def audit(self, name: str) -> list[dict]:
        rows = self.db.execute(select(self.audit_table).where(
            self.audit_table.c[self.key] == name).order_by(self.audit_table.c.id))
        return [dict(row._mapping) for row in rows]


def organisation_policies_of(db: Connection) -> Policies:
    return Policies(db, organisation_policies, organisation_policy_audit, "organisation")


class Inbox:
    def __init__(self, db: Connection):
        self.db = db

    """The unit of work's one-event view of chassis.inbox."""

    def seen(self, event_id: str) -> bool:
        return bool(inbox.seen(self.db, [event_id]))

    def add(self, event_id: str, now: datetime) -> None:
        inbox.mark(self.db, [event_id], now)
