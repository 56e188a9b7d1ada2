"""Erasure requests with each service's progress, and the rows an erasure changes here."""
from datetime import datetime

import orjson
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from chassis.outbox import add_to_outbox
from contracts.envelope import Envelope

from survey_svc.adapters.orm import (erasure_progress, erasure_requests, invitations, metadata,
                                     opt_outs)
from survey_svc.domain.erasure import COMPLETED, ERASED, PENDING, SERVICES, Person

_inv, _req, _prog = invitations.c, erasure_requests.c, erasure_progress.c
_outbox = metadata.tables["event_outbox"]
_WHO = (_inv.id, _inv.requester_id, _inv.requester_email, _inv.requester_key)


class ErasureStore:
    def __init__(self, db: Connection):
        self.db = db

    def person(self, email: str | None, requester_id: str | None,
               identity_key: str | None = None) -> Person:
        """Their addresses, ids and invitations: what was given, then one step out (an id found by
        address leads to invitations sent to an address they used before, and back).
        `identity_key`: the hash of the address as intake keys a person (requester_key)."""
        found = Person({email} - {None}, {requester_id} - {None})
        asked = [cond for given, cond in ((email, func.lower(_inv.requester_email) == email),
                                          (identity_key, _inv.requester_key == identity_key),
                                          (requester_id, _inv.requester_id == requester_id))
                 if given]
        rows = self.db.execute(select(*_WHO).where(or_(*asked))).all()
        more = {r.requester_id for r in rows} - found.requester_ids - {ERASED}
        if more:
            rows += self.db.execute(select(*_WHO).where(_inv.requester_id.in_(sorted(more)))).all()
        for row in rows:
            found.invitation_ids.add(row.id)
            found.requester_ids |= {row.requester_id} - {ERASED}
            found.emails |= {row.requester_email.lower()} if row.requester_email else set()
            found.keys |= {row.requester_key} - {None}
        return found

    def anonymise_invitations(self, ids: set[str]) -> int:
        """Address, name and requester id gone; the cohort and the steps stay for the counts."""
        if not ids:
            return 0
        return self.db.execute(update(invitations).where(
            _inv.id.in_(sorted(ids)), or_(_inv.requester_email.is_not(None),
                                         _inv.requester_name.is_not(None),
                                         _inv.requester_key.is_not(None),
                                         _inv.requester_id != ERASED))
            .values(requester_email=None, requester_name=None, requester_id=ERASED,
                    requester_key=None)).rowcount

    def rekey_opt_outs(self, requester_ids: set[str], subject_of) -> int:
        """An opt-out is still honoured, but held by the person's subject hash, not their id."""
        moved = 0
        for requester_id in sorted(requester_ids):
            row = self.db.execute(select(opt_outs).where(
                opt_outs.c.requester_id == requester_id)).first()
            if row is None:
                continue
            self.db.execute(delete(opt_outs).where(opt_outs.c.requester_id == requester_id))
            hashed = subject_of(requester_id)
            if self.db.scalar(select(opt_outs.c.requester_id).where(
                    opt_outs.c.requester_id == hashed)) is None:
                self.db.execute(insert(opt_outs).values(requester_id=hashed, source=row.source,
                                                        opted_out_at=row.opted_out_at))
            moved += 1
        return moved

    def scrub_outbox(self, invitation_ids: set[str]) -> int:
        """Announced steps of those invitations: published ones dropped (the log has them),
        waiting ones still go out, without the person's name, id, address hash or bounce text."""
        if not invitation_ids:
            return 0
        rows = self.db.execute(select(_outbox.c.id, _outbox.c.payload, _outbox.c.published_at)
                               .where(_outbox.c.key.in_(sorted(invitation_ids)))).all()
        for row in rows:
            if row.published_at is not None:
                self.db.execute(delete(_outbox).where(_outbox.c.id == row.id))
            else:
                self.db.execute(update(_outbox).where(_outbox.c.id == row.id)
                                .values(payload=_anonymous(row.payload)))
        return len(rows)

    def open_request_for(self, subjects: list[str]) -> str | None:
        """An unfinished request that already covers these subjects, if there is one (once
        erased here, the address no longer leads to the id: asking again finds fewer)."""
        for row in self.db.execute(select(_req.id, _req.subjects).where(
                _req.completed_at.is_(None)).order_by(_req.requested_at)):
            if set(subjects) <= set(row.subjects):
                return row.id
        return None

    def add(self, request_id: str, subjects: list[str], asked_by: str, requested_by: str,
            now: datetime, own_counts: dict) -> None:
        """The request, survey-svc's part done, the other services' pending."""
        self.db.execute(insert(erasure_requests).values(
            id=request_id, subjects=subjects, asked_by=asked_by, requested_by=requested_by,
            requested_at=now))
        self.db.execute(insert(erasure_progress), [
            {"request_id": request_id, "service": service,
             "status": COMPLETED if service == SERVICES[0] else PENDING,
             "counts": own_counts if service == SERVICES[0] else {},
             "completed_at": now if service == SERVICES[0] else None} for service in SERVICES])

    def announce(self, envelope: Envelope) -> None:
        add_to_outbox(self.db, envelope)

    def record_progress(self, request_id: str, service: str, counts: dict,
                        completed_at: datetime) -> bool:
        """A service finished its part; False when that was already known (or never asked)."""
        return self.db.execute(update(erasure_progress).where(
            _prog.request_id == request_id, _prog.service == service, _prog.status != COMPLETED)
            .values(status=COMPLETED, counts=counts, completed_at=completed_at)).rowcount > 0

    def progress(self, request_id: str) -> dict[str, dict]:
        rows = self.db.execute(select(erasure_progress).where(_prog.request_id == request_id))
        return {row.service: {"status": row.status, "counts": row.counts or {},
                              "completed_at": row.completed_at} for row in rows}

    def complete(self, request_id: str, at: datetime) -> None:
        self.db.execute(update(erasure_requests).where(
            _req.id == request_id, _req.completed_at.is_(None)).values(completed_at=at))

    def get(self, request_id: str) -> dict | None:
        row = self.db.execute(select(erasure_requests).where(_req.id == request_id)).first()
        return dict(row._mapping) if row else None


def _anonymous(payload: bytes) -> bytes:
    doc = orjson.loads(payload)
    data = doc.get("data") or {}
    for name in ("requester_name", "requester_email_hash"):
        if name in data:
            data[name] = None
    if "requester_id" in data:
        data["requester_id"] = ERASED
    if doc.get("event_type") == "invitation.bounced":
        data["reason"] = None  # a mail server's refusal quotes the address
    return orjson.dumps(doc)
