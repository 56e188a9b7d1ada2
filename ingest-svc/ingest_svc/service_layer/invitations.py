"""Invitations learnt from survey-svc, closed when it cancels them, and opt-outs sent back."""
from ingest_svc.domain import commands
from ingest_svc.service_layer import envelopes


def record_invitation(cmd: commands.RecordInvitation, uow) -> None:
    """Remember an invitation so email replies can be matched and filled in."""
    with uow:
        uow.invitations.upsert(*uow.erasures.unless_erased(cmd.invitation, None))
        uow.commit()


def close_invitation(cmd: commands.CloseInvitation, uow) -> None:
    """Stop taking answers for an invitation survey-svc cancelled."""
    with uow:
        uow.invitations.upsert(*uow.erasures.unless_erased(cmd.invitation, cmd.reason))
        uow.commit()


def request_opt_out(cmd: commands.RequestOptOut, delivery, clock) -> str:
    """Ask survey-svc, through the stream, never to survey this person again."""
    return delivery.deliver([envelopes.optout_event(cmd.invitation_id, cmd.channel, clock.now())])
