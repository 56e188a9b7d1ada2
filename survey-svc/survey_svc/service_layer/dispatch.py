"""Send what is due, one invitation per transaction: a crash repeats at most one mail per sender.

A mail that cannot be built, or that the server refuses for good, is parked (bounced, with its
reason) and the round goes on: one bad invitation never holds back the others.
"""
import logging
import threading
from dataclasses import dataclass, fields
from datetime import timedelta

from chassis.mail import PermanentMailError, ServerUnavailable, TransientMailError

from survey_svc.domain.commands import SendDueMail
from survey_svc.domain.model import PENDING, SENT

MAX_BACKOFF = timedelta(hours=1)
log = logging.getLogger(__name__)


@dataclass
class Round:
    sent: int = 0
    reminded: int = 0
    bounced: int = 0
    deferred: int = 0
    expired: int = 0
    stopped: str | None = None

    def add(self, other: "Round") -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            setattr(self, f.name, (mine or theirs) if f.name == "stopped" else mine + theirs)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)


def send_due_mail(cmd: SendDueMail, uow_factory, clock, mailers, renderer) -> Round:
    """One round on the dispatcher's connections (one sender thread each); the bus wraps the
    whole round, never a single mail."""
    return dispatch_due_parallel(uow_factory, clock, mailers, renderer, cmd.limit, cmd.share)


def dispatch_due(uow, clock, mailer, renderer, limit: int = 1000) -> Round:
    """Expire, then send due invitations, then due reminders, over one connection."""
    return dispatch_due_parallel(lambda: uow, clock, [mailer], renderer, limit)


def dispatch_due_parallel(new_uow, clock, mailers, renderer, limit: int = 1000,
                          share: tuple[int, int] | None = None) -> Round:
    """As `dispatch_due`, with one sender thread per mailer on disjoint shares of the due rows.

    Each sender marks its own mail right after sending it, so a crash repeats at most one
    mail per sender; the row lock keeps any other dispatcher process off the same rows.
    `share=(k, n)`: this process's share of the rows, one of n (share 0 also expires).
    """
    uow = new_uow()
    done = Round(expired=expire_overdue(uow, clock) if not share or share[0] == 0 else 0)
    for kind, status in (("invitation", PENDING), ("reminder", SENT)):
        due = _due(uow, clock, status, limit, share)
        if len(mailers) == 1:
            _send_all(uow, clock, mailers[0], renderer, kind, due, done, threading.Event())
        else:
            _in_threads(new_uow, clock, mailers, renderer, kind, due, done)
        if done.stopped:
            break
    return done


def _in_threads(new_uow, clock, mailers, renderer, kind, due, done: Round) -> None:
    stop, rounds, failures = threading.Event(), [Round() for _ in mailers], []

    def sender(n: int, mailer) -> None:
        try:
            _send_all(new_uow(), clock, mailer, renderer, kind, due[n::len(mailers)],
                      rounds[n], stop)
        except BaseException as err:  # raised in the caller, as with one sender
            stop.set()
            failures.append(err)

    threads = [threading.Thread(target=sender, args=(n, mailer), name=f"sender-{n}")
               for n, mailer in enumerate(mailers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for share in rounds:
        done.add(share)
    if failures:
        raise failures[0]


def _send_all(uow, clock, mailer, renderer, kind, due, done: Round, stop) -> None:
    for inv in due:
        if stop.is_set():
            return
        if not _send_one(uow, clock, mailer, renderer, kind, inv, done):
            stop.set()  # the server is unreachable: no other sender will get through either
            return


def _due(uow, clock, status: str, limit: int, share=None) -> list:
    with uow:
        return uow.invitations.due(status, clock.now(), limit, share)


def _send_one(uow, clock, mailer, renderer, kind, inv, done: Round) -> bool:
    """False when the server is unreachable: the round stops there."""
    with uow:
        now = clock.now()
        if not (uow.invitations.lock(inv) and _still_due(inv, kind, now)):
            return True
        try:
            mail = renderer.render(inv, kind)
        except Exception as err:  # the same data fails the same way next round: never retry it
            _park(inv, _unbuildable(inv, kind, err), now, done)
        else:
            _deliver(mailer, mail, inv, kind, now, done)
        uow.commit()
    return done.stopped is None


def _deliver(mailer, mail, inv, kind: str, now, done: Round) -> None:
    try:
        mailer.send(mail)
    except PermanentMailError as err:
        _park(inv, str(err), now, done)
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


def _unbuildable(inv, kind: str, err: Exception) -> str:
    if isinstance(err, PermanentMailError):  # the renderer's own refusal (an unusable address)
        return str(err)
    log.exception("cannot build a mail", extra={"invitation_id": inv.id, "kind": kind})
    return f"cannot build the {kind}: {type(err).__name__}: {err}"


def _park(inv, reason: str, now, done: Round) -> None:
    """Bounced with its reason: announced, counted, and never picked up again."""
    inv.bounce(reason, now)
    done.bounced += 1


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
