"""The customer's answer back in the ticket: queued once per answer version, delivered from the
outbox step by step (note, then reopen), retried with backoff; a failing tool blocks nothing.

Each attempt's outcome leaves as an event (writeback.delivered / retrying / parked) with the
state change, so the dashboard shows what became of the answer in the ticket."""
import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from survey_svc.connectors.http import ItsmUnavailable
from survey_svc.domain.commands import DeliverWriteBacks, QueueWriteBack
from survey_svc.domain.writeback import DONE, FAILED, WriteBack, note_for

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
        # pulled, or pushed by a source linked to a connector (its credentials write back)
        pulled = uow.ticket_refs.get(ticket.ticket_id, ticket.resolution)
        if pulled is None or pulled[0] not in connectors:
            return "not_pulled"  # imported, or pushed by an unlinked source
        name, ref = pulled
        rule = connectors[name].writeback.for_directorate(ticket.directorate)
        note = note_for(answer, ticket.ticket_id, rule)
        if note is None:
            return "not_triggered"
        now = clock.now()
        wb = WriteBack(id=None, response_id=answer.response_id, version=answer.version,
                       connector=name, ref=ref, ticket_id=ticket.ticket_id, note=note.text,
                       reopen=note.reopen, created_at=now, next_attempt_at=now,
                       directorate=ticket.directorate)
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
                mark = connector.source.add_note(wb.ref, wb.note)
            else:
                mark = connector.source.reopen(wb.ref)
        except Exception as err:  # the tool's trouble stays here: logged, counted, retried
            wb.attempt_failed(f"{step}: {type(err).__name__}: {err}", clock.now())
            log.warning("write-back failed", extra={
                "connector": wb.connector, "ref": wb.ref, "step": step, "attempts": wb.attempts,
                "status": wb.status, "error": type(err).__name__})
            event = "writeback.parked" if wb.status == FAILED else "writeback.retrying"
            _save(wb, uow, (event, trail(wb, connector, clock.now(), reason=reason(step, err))))
            return
        wb.followup_mark = mark if isinstance(mark, str) else wb.followup_mark
        wb.step_done(step, clock.now())
        if wb.status == DONE:
            _watch_from_here(wb, connector)
            _save(wb, uow, ("writeback.delivered", trail(wb, connector, wb.done_at)))
        else:
            _save(wb, uow)


def _watch_from_here(wb: WriteBack, connector) -> None:
    """The tool's mark after our last step, where the team's follow-up starts; a tool that
    cannot say (or fails to) leaves the ticket unwatched, never the write-back undone."""
    if wb.followup_mark is not None or not hasattr(connector.source, "mark"):
        return
    try:
        wb.followup_mark = connector.source.mark(wb.ref)
    except Exception as err:
        log.warning("follow-up mark unavailable", extra={
            "connector": wb.connector, "ref": wb.ref, "error": type(err).__name__})


def reason(step: str, err: Exception) -> str:
    """Why, in words fit for the dashboard: the HTTP status or the error's kind, never the
    tool's answer (it may quote the ticket)."""
    status = getattr(err, "status", None)
    if status:
        return f"{step}: HTTP {status}"
    if isinstance(err, (ItsmUnavailable, LookupError)):  # "POST /ticket/7/comment: Timeout"
        return f"{step}: {err}"[:300]
    return f"{step}: {type(err).__name__}"


def trail(wb: WriteBack, connector, at, **extra) -> dict:
    """The fields every write-back and follow-up event carries (contracts.events.itsm)."""
    data = {"response_id": wb.response_id, "version": wb.version, "ticket_id": wb.ticket_id,
            "directorate": wb.directorate or "Unassigned",
            "tool": connector.kind if connector else wb.connector, "connector": wb.connector,
            "ref": wb.ref, "link": connector.link_to(wb.ref) if connector else None, "at": at}
    if "summary" not in extra:
        data.update(reopened=bool(wb.reopened_at), attempts=wb.attempts,
                    next_attempt_at=wb.next_attempt_at if wb.status not in (DONE, FAILED)
                    else None)
    return data | extra


def _save(wb: WriteBack, uow, event: tuple[str, dict] | None = None) -> None:
    with uow:
        uow.writebacks.save(wb)
        if event is not None:
            uow.announce(*event)
        uow.commit()
