"""What ingest-svc reports back: answers stop reminders, opt-outs stop everything."""
from survey_svc.domain.commands import (OptInRequester, OptOutInvitation, OptOutRequester,
                                        RecordAnswer)


def record_answer(cmd: RecordAnswer, uow, clock) -> None:
    event_id, invitation_id = cmd.event_id, cmd.invitation_id
    with uow:
        if uow.inbox.seen(event_id):
            return
        uow.inbox.add(event_id, clock.now())
        if invitation_id and (inv := uow.invitations.get(invitation_id)) is not None:
            inv.answer(clock.now())
        uow.commit()


def opt_out_invitation(cmd: OptOutInvitation, uow, clock) -> bool:
    """Opt the invitation's requester out; False when the invitation is unknown."""
    event_id, invitation_id = cmd.event_id, cmd.invitation_id
    with uow:
        if uow.inbox.seen(event_id):
            return True
        uow.inbox.add(event_id, clock.now())
        inv = uow.invitations.get(invitation_id)
        if inv is not None:
            _opt_out(uow, clock, inv.ticket.requester_id, "survey_link", also=inv)
        uow.commit()
    return inv is not None


def opt_out_requester(cmd: OptOutRequester, uow, clock) -> bool:
    with uow:
        added = _opt_out(uow, clock, cmd.requester_id, cmd.source)
        uow.commit()
    return added


def opt_in_requester(cmd: OptInRequester, uow) -> bool:
    with uow:
        removed = uow.opt_outs.remove(cmd.requester_id)
        uow.commit()
    return removed


def _opt_out(uow, clock, requester_id: str, source: str, also=None) -> bool:
    now = clock.now()
    added = uow.opt_outs.add(requester_id, source, now)
    affected = uow.invitations.open_for_requester(requester_id)
    for inv in {i.id: i for i in [*affected, *([also] if also else [])]}.values():
        inv.opt_out(now)
    return added
