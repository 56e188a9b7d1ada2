"""The customer's answer back in the ticket: queued once per answer version, delivered from the
outbox step by step (note, then reopen), retried with backoff; a failing tool blocks nothing."""
import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from survey_svc.domain.commands import DeliverWriteBacks, QueueWriteBack
from survey_svc.domain.writeback import WriteBack, note_for

log = logging.getLogger(__name__)


@dataclass
class Delivered:
    done: int = 0
    retrying: int = 0
    failed: int = 0


def queue_write_back(cmd: QueueWriteBack, uow, connectors: dict, clock) -> str:
    """Why nothing was queued ("no_invitation", "not_pulled", "not_triggered", "duplicate"),
    or "queued"."""
    answer = cmd.answer
    with uow:
        invitation = uow.invitations.get(cmd.invitation_id) if cmd.invitation_id else None
        if invitation is None:
            return "no_invitation"
        ticket = invitation.ticket
        pulled = uow.ticket_refs.get(ticket.ticket_id, ticket.resolution)
        if pulled is None or pulled[0] not in connectors:
            return "not_pulled"  # pushed or imported: no connector to write back through
        name, ref = pulled
        rule = connectors[name].writeback.for_directorate(ticket.directorate)
        note = note_for(answer, ticket.ticket_id, rule)
        if note is None:
            return "not_triggered"
        now = clock.now()
        wb = WriteBack(id=None, response_id=answer.response_id, version=answer.version,
                       connector=name, ref=ref, ticket_id=ticket.ticket_id, note=note.text,
                       reopen=note.reopen, created_at=now, next_attempt_at=now)
        try:
            if not uow.writebacks.add(wb):
                return "duplicate"
            uow.commit()
        except IntegrityError:  # the same version, queued concurrently
            return "duplicate"
    return "queued"


def deliver_write_backs(cmd: DeliverWriteBacks, uow, connectors: dict, clock) -> Delivered:
    """Each due write-back's steps that are left; every step's success is committed at once,
    so a repeat never writes the same note twice."""
    with uow:
        due = uow.writebacks.due(clock.now(), cmd.limit, cmd.connector)
    delivered = Delivered()
    for wb in due:
        _deliver(wb, connectors.get(wb.connector), uow, clock)
        status = {"done": "done", "failed": "failed"}.get(wb.status, "retrying")
        setattr(delivered, status, getattr(delivered, status) + 1)
    return delivered


def _deliver(wb: WriteBack, connector, uow, clock) -> None:
    for step in wb.steps_left:
        try:
            if connector is None:
                raise LookupError(f"connector {wb.connector!r} is no longer configured")
            if step == "note":
                connector.source.add_note(wb.ref, wb.note)
            else:
                connector.source.reopen(wb.ref)
        except Exception as err:  # the tool's trouble stays here: logged, counted, retried
            wb.attempt_failed(f"{step}: {type(err).__name__}: {err}", clock.now())
            log.warning("write-back failed", extra={
                "connector": wb.connector, "ref": wb.ref, "step": step, "attempts": wb.attempts,
                "status": wb.status, "error": type(err).__name__})
            _save(wb, uow)
            return
        wb.step_done(step, clock.now())
        _save(wb, uow)


def _save(wb: WriteBack, uow) -> None:
    with uow:
        uow.writebacks.save(wb)
        uow.commit()
