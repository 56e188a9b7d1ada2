"""The pull connectors' tables: checkpoints, which tool each ticket came from, the write-backs."""
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from survey_svc.adapters.orm import connector_state, itsm_writebacks, ticket_refs
from survey_svc.domain.writeback import DONE, PENDING, WriteBack

_WB_FIELDS = tuple(f.name for f in fields(WriteBack) if f.name != "id")


@dataclass(frozen=True)
class ConnectorState:
    connector: str
    checkpoint: datetime | None
    last_poll_at: datetime | None
    last_success_at: datetime | None
    failures: int
    last_error: str | None
    pulled: int
    skipped: int


class Checkpoints:
    def __init__(self, db: Connection):
        self.db = db

    def get(self, connector: str) -> ConnectorState | None:
        row = self.db.execute(select(connector_state).where(
            connector_state.c.connector == connector)).first()
        return ConnectorState(**row._mapping) if row else None

    def all(self) -> list[ConnectorState]:
        return [ConnectorState(**row._mapping) for row in self.db.execute(select(connector_state))]

    def advance(self, connector: str, checkpoint: datetime | None, pulled: int, skipped: int,
                now: datetime) -> None:
        """A page (or a poll) done: the checkpoint never moves back, counts add up."""
        state = self._ensure(connector)
        newest = max(filter(None, [state.checkpoint, checkpoint]), default=None)
        self.db.execute(update(connector_state).where(connector_state.c.connector == connector)
                        .values(checkpoint=newest, last_poll_at=now, last_success_at=now,
                                failures=0, last_error=None, pulled=state.pulled + pulled,
                                skipped=state.skipped + skipped))

    def failed(self, connector: str, error: str, now: datetime) -> None:
        state = self._ensure(connector)
        self.db.execute(update(connector_state).where(connector_state.c.connector == connector)
                        .values(last_poll_at=now, failures=state.failures + 1,
                                last_error=error[:500]))

    def _ensure(self, connector: str) -> ConnectorState:
        state = self.get(connector)
        if state is None:
            self.db.execute(connector_state.insert().values(
                connector=connector, failures=0, pulled=0, skipped=0))
            state = self.get(connector)
        return state


class TicketRefs:
    """(ticket_id, resolution) -> the connector that pulled it and the tool's own id."""

    def __init__(self, db: Connection):
        self.db = db

    def put(self, connector: str, refs: list[tuple[str, int, str]], now: datetime) -> None:
        if not refs:
            return
        c = ticket_refs.c
        wanted = {(t, r): ref for t, r, ref in refs}
        known = {(row.ticket_id, row.resolution) for row in self.db.execute(
            select(c.ticket_id, c.resolution).where(c.ticket_id.in_({t for t, _ in wanted})))}
        new = [{"ticket_id": t, "resolution": r, "connector": connector, "ref": ref,
                "recorded_at": now} for (t, r), ref in wanted.items() if (t, r) not in known]
        if new:
            self.db.execute(ticket_refs.insert(), new)

    def get(self, ticket_id: str, resolution: int) -> tuple[str, str] | None:
        row = self.db.execute(select(ticket_refs.c.connector, ticket_refs.c.ref).where(
            ticket_refs.c.ticket_id == ticket_id, ticket_refs.c.resolution == resolution)).first()
        return (row.connector, row.ref) if row else None


class WriteBacks:
    """The outbox of notes owed to tickets: one row per answer version."""

    def __init__(self, db: Connection):
        self.db = db

    def add(self, wb: WriteBack) -> bool:
        """False when this answer version is already queued (a redelivery)."""
        exists = self.db.scalar(select(itsm_writebacks.c.id).where(
            itsm_writebacks.c.response_id == wb.response_id,
            itsm_writebacks.c.version == wb.version))
        if exists is not None:
            return False
        # a concurrent insert of the same version raises IntegrityError: the handler's duplicate
        self.db.execute(itsm_writebacks.insert().values(
            **{name: getattr(wb, name) for name in _WB_FIELDS}))
        return True

    def due(self, now: datetime, limit: int, connector: str | None = None) -> list[WriteBack]:
        c = itsm_writebacks.c
        stmt = select(itsm_writebacks).where(c.status == PENDING, c.next_attempt_at <= now)
        if connector is not None:
            stmt = stmt.where(c.connector == connector)
        rows = self.db.execute(stmt.order_by(c.next_attempt_at, c.id).limit(limit))
        return [WriteBack(**row._mapping) for row in rows]

    def save(self, wb: WriteBack) -> None:
        self.db.execute(update(itsm_writebacks).where(itsm_writebacks.c.id == wb.id).values(
            **{name: getattr(wb, name) for name in _WB_FIELDS}))

    def watched(self, connector: str, delivered_since: datetime, limit: int) -> list[WriteBack]:
        """Delivered write-backs with a mark, delivered since then: least recently looked at
        first, so every ticket gets its turn."""
        c = itsm_writebacks.c
        rows = self.db.execute(select(itsm_writebacks).where(
            c.connector == connector, c.status == DONE, c.followup_mark.is_not(None),
            c.done_at >= delivered_since).order_by(
            func.coalesce(c.checked_at, c.done_at), c.id).limit(limit))
        return [WriteBack(**row._mapping) for row in rows]

    def for_response(self, response_id: str) -> list[WriteBack]:
        rows = self.db.execute(select(itsm_writebacks).where(
            itsm_writebacks.c.response_id == response_id).order_by(itsm_writebacks.c.version))
        return [WriteBack(**row._mapping) for row in rows]

    def counts(self) -> dict[tuple[str, str], int]:
        c = itsm_writebacks.c
        return {(row.connector, row.status): row.n for row in self.db.execute(
            select(c.connector, c.status, func.count().label("n")).group_by(c.connector,
                                                                            c.status))}

    def oldest_pending(self) -> dict[str, datetime]:
        c = itsm_writebacks.c
        return {row.connector: row.oldest for row in self.db.execute(
            select(c.connector, func.min(c.created_at).label("oldest"))
            .where(c.status == PENDING).group_by(c.connector))}
