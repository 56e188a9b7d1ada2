"""Handlers: one per command, each taking the command and named dependencies."""
import hashlib
from dataclasses import dataclass, replace
from datetime import timedelta

from contracts import decode, encode

from ingest_svc.domain import commands
from ingest_svc.service_layer import envelopes
from ingest_svc.service_layer.replies import ingest_email_reply


class Conflict(Exception):
    """An idempotency key reused for a different answer."""


@dataclass(frozen=True)
class Receipt:
    response_id: str
    version: int
    delivery: str
    replayed: bool = False


def fingerprint(cmd: commands.SubmitAnswer) -> str:
    parts = [cmd.invitation.invitation_id or "", repr(cmd.answer), cmd.invitation.cohort.directorate]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def stateless_event(cmd: commands.SubmitAnswer, now):
    """An answer with no invitation and no key can never be amended or replayed: no state."""
    return envelopes.response_event(cmd.invitation, cmd.answer, envelopes.uuid.uuid4().hex, 1,
                                    cmd.channel, cmd.source, now)


def _record(cmd: commands.SubmitAnswer, uow, now) -> tuple[Receipt, object]:
    """Inside a unit of work: replay a known idempotency key, or store the answer."""
    inv = cmd.invitation
    if cmd.idempotency_key:
        prior = uow.idempotency.get(cmd.source, cmd.idempotency_key)
        if prior is not None:
            if prior["fingerprint"] != fingerprint(cmd):
                raise Conflict("Idempotency key was already used for a different answer.")
            # Re-deliver the very same event (same event_id): heals a crash before delivery,
            # and consumers drop it as a duplicate otherwise.
            return (Receipt(prior["response_id"], prior["version"], "", replayed=True),
                    decode(prior["envelope"]))
    key = ("inv", inv.invitation_id) if inv.invitation_id else ("key", cmd.source, cmd.idempotency_key)
    response_id, version = uow.responses.record(
        inv.invitation_id, envelopes.stable_response_id(*key), cmd.answer, cmd.channel, cmd.source, now)
    event = envelopes.response_event(inv, cmd.answer, response_id, version, cmd.channel, cmd.source, now)
    if cmd.idempotency_key:
        uow.idempotency.add(cmd.source, cmd.idempotency_key, fingerprint(cmd), response_id,
                            version, encode(event).decode(), now)
    if inv.invitation_id:
        uow.provisional.settle(inv.invitation_id, now)
    return Receipt(response_id, version, ""), event


def submit_answer(cmd: commands.SubmitAnswer, uow, delivery, clock) -> Receipt:
    """Record a new answer (or an amendment), then hand its event to the broker or spool."""
    if not cmd.invitation.invitation_id and not cmd.idempotency_key:
        event = stateless_event(cmd, clock.now())
        return Receipt(event.data["response_id"], 1, delivery.deliver([event]))
    with uow:
        receipt, event = _record(cmd, uow, clock.now())
        uow.commit()
    return replace(receipt, delivery=delivery.deliver([event]))


def submit_many(cmds: list, uow, delivery, clock) -> list:
    """Record many answers in one transaction and deliver their events together, in order."""
    results, events = [], []
    with uow:
        for cmd in cmds:
            if isinstance(cmd, Exception):
                results.append(cmd)
                continue
            try:
                if not cmd.invitation.invitation_id and not cmd.idempotency_key:
                    event = stateless_event(cmd, clock.now())
                    receipt = Receipt(event.data["response_id"], 1, "")
                else:
                    receipt, event = _record(cmd, uow, clock.now())
            except Conflict as err:
                results.append(err)
                continue
            events.append(event)
            results.append(receipt)
        uow.commit()
    outcome = delivery.deliver(events) if events else "published"
    return [replace(r, delivery=outcome) if isinstance(r, Receipt) else r for r in results]


def record_provisional_rating(cmd: commands.RecordProvisionalRating, uow, clock) -> None:
    """Keep a rating clicked in a real browser, in case the person never presses Send."""
    with uow:
        if uow.responses.exists_for(cmd.invitation.invitation_id):
            return
        uow.provisional.upsert(cmd.invitation, cmd.score, clock.now())
        uow.commit()


def confirm_stale_provisional_ratings(cmd: commands.ConfirmStaleProvisionalRatings, uow,
                                      delivery, clock) -> int:
    """Send, as answers, provisional ratings whose person left without pressing Send."""
    from ingest_svc.domain.model import Answer
    cutoff = clock.now() - timedelta(seconds=cmd.older_than_s)
    with uow:
        stale = uow.provisional.stale(cutoff)
    count = 0
    for invitation, score in stale:
        receipt = submit_answer(commands.SubmitAnswer(
            invitation, Answer(score), channel="email_link", source="provisional-click",
            idempotency_key=f"provisional:{invitation.invitation_id}"), uow, delivery, clock)
        count += receipt.version == 1 and not receipt.replayed
    return count


def request_opt_out(cmd: commands.RequestOptOut, delivery, clock) -> str:
    """Ask survey-svc, through the stream, never to survey this person again."""
    return delivery.deliver([envelopes.optout_event(cmd.invitation_id, cmd.channel, clock.now())])


def record_invitation(cmd: commands.RecordInvitation, uow) -> None:
    """Remember an invitation so email replies can be matched and filled in."""
    with uow:
        uow.invitations.upsert(cmd.invitation)
        uow.commit()


def close_invitation(cmd: commands.CloseInvitation, uow) -> None:
    """Stop taking answers for an invitation survey-svc cancelled."""
    with uow:
        uow.invitations.upsert(cmd.invitation, closed=cmd.reason)
        uow.commit()


def invitation_state(uow, invitation_id: str) -> tuple[str | None, bool]:
    """Read side for the pages: (why it no longer takes answers or None, answered already?)."""
    with uow:
        return uow.invitations.closed(invitation_id), uow.responses.exists_for(invitation_id)


HANDLERS = {
    commands.CloseInvitation: close_invitation,
    commands.SubmitAnswer: submit_answer,
    commands.RecordProvisionalRating: record_provisional_rating,
    commands.ConfirmStaleProvisionalRatings: confirm_stale_provisional_ratings,
    commands.RequestOptOut: request_opt_out,
    commands.IngestEmailReply: ingest_email_reply,
    commands.RecordInvitation: record_invitation,
}
