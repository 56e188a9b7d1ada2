"""Invitations in and out of their table, as domain objects."""
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.engine import Connection

from survey_svc.adapters.orm import invitations
from survey_svc.domain.model import CANCELLED, OPEN, PENDING, Invitation, Ticket

# keep_plus_tag only shapes the identity at intake; the row keeps its hash (requester_key).
_TICKET_FIELDS = tuple(name for name in Ticket.__dataclass_fields__ if name != "keep_plus_tag")
_STATE_FIELDS = ("status", "due_at", "expires_at", "reminder_days", "sent_at", "remind_at",
                 "reminded_at", "answered_at", "attempts", "last_error", "question_set")


_HEX = "0123456789abcdef"
_c = invitations.c
# Built once: the dispatcher runs these for every mail, and a new statement per call costs
# more than the database does.
_LOCK = (select(_c.status, _c.attempts).where(_c.id == bindparam("inv_id"))
         .with_for_update(skip_locked=True))
_SAVE = (update(invitations).where(_c.id == bindparam("inv_id"))
         .values({name: bindparam(name) for name in _STATE_FIELDS}))


def _to_domain(row) -> Invitation:
    data = row._mapping
    ticket = Ticket(**{name: data[name] for name in _TICKET_FIELDS})
    return Invitation(id=data["id"], ticket=ticket, **{name: data[name] for name in _STATE_FIELDS})


class InvitationRepository:
    def __init__(self, db: Connection):
        self.db = db
        self.seen: dict[str, Invitation] = {}
        self.added: set[str] = set()

    def _track(self, rows) -> list[Invitation]:
        found = [self.seen.get(row.id) or _to_domain(row) for row in rows]
        self.seen.update({inv.id: inv for inv in found})
        return found

    def add(self, invitation: Invitation, now: datetime, requester_key: str | None = None) -> None:
        state = {name: getattr(invitation, name) for name in _STATE_FIELDS}
        ticket = {name: getattr(invitation.ticket, name) for name in _TICKET_FIELDS}
        self.db.execute(invitations.insert().values(
            id=invitation.id, created_at=now, requester_key=requester_key, **ticket, **state))
        self.seen[invitation.id] = invitation
        self.added.add(invitation.id)

    def get(self, invitation_id: str) -> Invitation | None:
        found = self._track(self.db.execute(
            select(invitations).where(invitations.c.id == invitation_id)))
        return found[0] if found else None

    def query(self, *conditions, limit: int | None = None, lock: bool = False) -> list[Invitation]:
        stmt = select(invitations).where(*conditions).order_by(invitations.c.due_at).limit(limit)
        if lock:
            stmt = stmt.with_for_update(skip_locked=True)
        return self._track(self.db.execute(stmt))

    def pending_for_ticket(self, ticket_id: str, up_to_resolution: int) -> list[Invitation]:
        return self.query(invitations.c.ticket_id == ticket_id,
                          invitations.c.resolution <= up_to_resolution,
                          invitations.c.status.in_(OPEN))

    def open_for_requester(self, requester_id: str) -> list[Invitation]:
        """Open invitations of this person: by the id, or by an address it was invited at."""
        c = invitations.c
        keys = select(c.requester_key).where(c.requester_id == requester_id,
                                             c.requester_key.is_not(None))
        return self.query(or_(c.requester_id == requester_id, c.requester_key.in_(keys)),
                          c.status.in_(OPEN))

    def requester_ids(self, requester_key: str | None) -> set[str]:
        """Every requester id this person (their address hash) was invited under."""
        if requester_key is None:
            return set()
        return set(self.db.scalars(select(invitations.c.requester_id).distinct().where(
            invitations.c.requester_key == requester_key)))

    def last_invited_at(self, requester_id: str,
                        requester_key: str | None = None) -> datetime | None:
        """When this person (by id or by address hash) was last surveyed (cancelled
        invitations never reached them)."""
        c = invitations.c
        who = c.requester_id == requester_id
        if requester_key is not None:
            who = or_(who, c.requester_key == requester_key)
        return self.db.scalar(select(func.max(c.due_at)).where(who, c.status != CANCELLED))

    def due(self, status: str, now: datetime, limit: int,
            share: tuple[int, int] | None = None) -> list[Invitation]:
        """Invitations (pending) or reminders (sent) whose time has come, oldest first.

        `share=(k, n)`: only share k of n, split by the last hex digit of the id, so that
        n sender processes never pick the same row (SQLite has no row locks).
        """
        c = invitations.c
        when = c.due_at if status == PENDING else c.remind_at
        stmt = (select(invitations).where(c.status == status, when <= now, c.expires_at > now)
                .order_by(when).limit(limit))
        if share is not None:
            last = func.lower(func.substr(c.id, func.length(c.id), 1))
            digits = [d for i, d in enumerate(_HEX) if i % share[1] == share[0]]
            # Share 0 also takes any id not ending in a hex digit (ids are uuid4 hex).
            stmt = stmt.where(or_(last.in_(digits), last.not_in(list(_HEX))) if share[0] == 0
                              else last.in_(digits))
        return [_to_domain(row) for row in self.db.execute(stmt)]

    def lock(self, invitation: Invitation) -> bool:
        """Lock its row and adopt it, if nobody changed it since it was read.

        A second dispatcher skips a locked row (PostgreSQL); SQLite has one writer anyway.
        """
        row = self.db.execute(_LOCK, {"inv_id": invitation.id}).first()
        if row is None or tuple(row) != (invitation.status, invitation.attempts):
            return False
        self.seen[invitation.id] = invitation
        return True

    def overdue(self, now: datetime) -> list[Invitation]:
        return self.query(invitations.c.status.in_(OPEN), invitations.c.expires_at <= now)

    def save(self, invitation: Invitation) -> None:
        state = {name: getattr(invitation, name) for name in _STATE_FIELDS}
        self.db.execute(_SAVE, {"inv_id": invitation.id, **state})
