"""Send what is due, one invitation per transaction: a crash repeats at most one mail."""
from dataclasses import dataclass
from datetime import timedelta

from survey_svc.domain.model import PENDING, SENT
from survey_svc.service_layer.ports import (PermanentMailError, ServerUnavailable,
                                            TransientMailError)

MAX_BACKOFF = timedelta(hours=1)


@dataclass
class Round:
    sent: int = 0
    reminded: int = 0
    bounced: int = 0
    deferred: int = 0
    expired: int = 0
    stopped: str | None = None


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)


def dispatch_due(uow, clock, mailer, renderer, limit: int = 1000) -> Round:
    """Expire, then send due invitations, then due reminders."""
    done = Round(expired=expire_overdue(uow, clock))
    for kind, status in (("invitation", PENDING), ("reminder", SENT)):
        for inv in _due(uow, clock, status, limit):
            if not _send_one(uow, clock, mailer, renderer, kind, inv, done):
                return done
    return done


def _due(uow, clock, status: str, limit: int) -> list:
    with uow:
        return uow.invitations.due(status, clock.now(), limit)


def _send_one(uow, clock, mailer, renderer, kind, inv, done: Round) -> bool:
    """False when the server is unreachable: the round stops there."""
    with uow:
        now = clock.now()
        if not (uow.invitations.lock(inv) and _still_due(inv, kind, now)):
            return True
        try:
            mailer.send(renderer.render(inv, kind))
        except PermanentMailError as err:
            inv.bounce(str(err), now)
            done.bounced += 1
        except TransientMailError as err:
            inv.defer(kind, str(err), now + backoff(inv.attempts))
            done.deferred += 1
            done.stopped = str(err) if isinstance(err, ServerUnavailable) else None
        else:
            if kind == "invitation":
                inv.mark_sent(now)
                done.sent += 1
            else:
                inv.mark_reminded(now)
                done.reminded += 1
        uow.commit()
    return done.stopped is None


def _still_due(inv, kind: str, now) -> bool:
    if kind == "invitation":
        return inv.status == PENDING and inv.due_at <= now < inv.expires_at
    return inv.needs_reminder(now) and inv.answered_at is None


def expire_overdue(uow, clock) -> int:
    with uow:
        overdue = uow.invitations.overdue(clock.now())
        for inv in overdue:
            inv.expire(clock.now())
        uow.commit()
    return len(overdue)
