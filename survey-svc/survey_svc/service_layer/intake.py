"""Resolved and reopened tickets in; invitations (or recorded refusals) out."""
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from chassis.privacy import subject_of

from survey_svc.domain.commands import ReopenTicket, ResolveTicket
from survey_svc.domain.model import Invitation, decide
from survey_svc.service_layer.policies import current_policy


@dataclass(frozen=True)
class Outcome:
    surveyed: bool
    reason: str | None
    invitation_id: str | None = None
    duplicate: bool = False


def resolve_ticket(cmd: ResolveTicket, uow, clock, question_sets=None,
                   organisation_of=None) -> Outcome:
    """Decide once per (ticket, resolution); a redelivery changes nothing. A ticket naming no
    organisation gets its directorate's (organisation_of), if it has one."""
    ticket, now = cmd.ticket, clock.now()
    if ticket.organisation is None and organisation_of is not None:
        ticket = replace(ticket, organisation=organisation_of(ticket.directorate))
    with uow:
        if (seen := uow.decisions.get(ticket.ticket_id, ticket.resolution)) is not None:
            return Outcome(seen.surveyed, seen.reason, duplicate=True)
        for older in uow.invitations.pending_for_ticket(ticket.ticket_id, ticket.resolution - 1):
            older.cancel("superseded by a later resolution", now)
        policy = current_policy(uow, ticket.directorate, ticket.organisation)
        # One person by requester id or normalised address: any of their ids opted out counts.
        key = subject_of(uow.address_key, email=ticket.identity)
        ids = {ticket.requester_id} | uow.invitations.requester_ids(key)
        decision = decide(ticket, policy, opted_out=any(map(uow.opt_outs.contains, sorted(ids))),
                          last_invited_at=uow.invitations.last_invited_at(ticket.requester_id, key),
                          now=now)
        uow.decisions.record(ticket.ticket_id, ticket.resolution, decision.survey,
                             decision.reason, now)
        if cmd.connector:  # write-back goes through that connector, as for a pulled ticket
            uow.ticket_refs.put(cmd.connector, [(ticket.ticket_id, ticket.resolution,
                                                 cmd.ref or ticket.ticket_id)], now)
        invitation = None
        if decision.survey:
            invitation = Invitation(uuid.uuid4().hex, ticket, decision.due_at,
                                    decision.due_at + timedelta(days=policy.expiry_days),
                                    policy.reminder_days)
            qset = question_sets and question_sets.for_ticket(ticket.directorate, ticket.service,
                                                              ticket.organisation)
            invitation.question_set = qset.reference if qset else None
            invitation.created(now)
            uow.invitations.add(invitation, now, requester_key=key)
        try:
            uow.commit()
        except IntegrityError:  # the same delivery, decided concurrently
            return Outcome(False, "duplicate", duplicate=True)
    return Outcome(decision.survey, decision.reason, invitation and invitation.id)


def reopen_ticket(cmd: ReopenTicket, uow, clock) -> int:
    """Cancel what is not yet sent; returns how many invitations were cancelled."""
    ticket_id, resolution, now = cmd.ticket_id, cmd.resolution, clock.now()
    with uow:
        cancelled = [inv for inv in uow.invitations.pending_for_ticket(ticket_id, resolution)
                     if inv.cancel("ticket reopened", now)]
        if uow.decisions.get(ticket_id, resolution) is None:
            # The reopen overtook its resolution: a late delivery must not survey.
            uow.decisions.record(ticket_id, resolution, False, "reopened", now)
        try:
            uow.commit()
        except IntegrityError:
            return 0
    return len(cancelled)
