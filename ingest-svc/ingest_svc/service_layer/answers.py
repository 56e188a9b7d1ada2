"""Answers: record (or amend, or replay) them, then hand their events to the broker or spool."""
import hashlib
import uuid
from dataclasses import dataclass, replace

from contracts import decode, encode

from ingest_svc.domain import commands
from ingest_svc.domain.model import claim_errors
from ingest_svc.service_layer import envelopes
from ingest_svc.service_layer.questions import ExtraAnswersRefused, extra_answers


class Conflict(Exception):
    """An idempotency key reused for a different answer."""


class InvitationMismatch(Exception):
    """A source answer naming an unknown or closed invitation, or another cohort than its own,
    or answering questions its set does not ask; `errors` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("The answer does not match its invitation.")
        self.errors = errors


@dataclass(frozen=True)
class Receipt:
    response_id: str
    version: int
    delivery: str
    replayed: bool = False


def fingerprint(cmd: commands.SubmitAnswer) -> str:
    parts = [cmd.invitation.invitation_id or "", repr(cmd.answer), cmd.invitation.cohort.directorate]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def stateless(cmd: commands.SubmitAnswer) -> bool:
    """An answer with no invitation and no key can never be amended or replayed: no state."""
    return not cmd.invitation.invitation_id and not cmd.idempotency_key


def _refuse_extras(answer) -> None:
    """No invitation, so no question set: only the default questions can be answered."""
    if answer.given:
        raise InvitationMismatch({f"answers.{qid}": ["Not a question of this survey."]
                                  for qid, _ in answer.given})


def stateless_event(cmd: commands.SubmitAnswer, now):
    return envelopes.response_event(cmd.invitation, cmd.answer, uuid.uuid4().hex, 1,
                                    cmd.channel, cmd.source, now)


def from_row(inv, uow):
    """A page's link claim filled in from the invitation row it names (the one primary-key read
    its answer already made): the invitee (chassis.privacy.subject_of), the question set and the
    organisation, the link's own organisation the fallback (#17). A checked claim is the row."""
    if inv.invitee or not inv.invitation_id:
        return inv
    known = uow.invitations.get(inv.invitation_id)
    if known is None:
        return inv
    organisation = known.cohort.organisation or inv.cohort.organisation
    return replace(inv, invitee=known.invitee, question_set=inv.question_set or known.question_set,
                   cohort=replace(inv.cohort, organisation=organisation))


def record(cmd: commands.SubmitAnswer, uow, now, question_sets=None) -> tuple[Receipt, object]:
    """Inside a unit of work: replay a known idempotency key, or store the answer."""
    if cmd.idempotency_key:
        prior = uow.idempotency.get(cmd.source, cmd.idempotency_key)
        if prior is not None:
            if prior["fingerprint"] != fingerprint(cmd):
                raise Conflict("Idempotency key was already used for a different answer.")
            # Re-deliver the very same event (same event_id): heals a crash before delivery,
            # and consumers drop it as a duplicate otherwise.
            return (Receipt(prior["response_id"], prior["version"], "", replayed=True),
                    decode(prior["envelope"]))
    inv = from_row(cmd.invitation, uow)
    try:
        questions = extra_answers(inv, cmd.answer, uow, question_sets)
    except ExtraAnswersRefused as err:
        raise InvitationMismatch(err.errors) from None
    key = ("inv", inv.invitation_id) if inv.invitation_id else ("key", cmd.source, cmd.idempotency_key)
    subject = inv.invitee
    response_id, version = uow.responses.record(
        inv.invitation_id, envelopes.stable_response_id(*key), cmd.answer, cmd.channel, cmd.source,
        now, subject)
    event = envelopes.response_event(inv, cmd.answer, response_id, version, cmd.channel, cmd.source,
                                     now, subject, questions)
    if cmd.idempotency_key:
        uow.idempotency.add(cmd.source, cmd.idempotency_key, fingerprint(cmd), response_id,
                            version, encode(event).decode(), now)
    if inv.invitation_id:
        uow.provisional.settle(inv.invitation_id, now)
    return Receipt(response_id, version, ""), event


def checked(cmd: commands.SubmitSourceAnswer, uow, now) -> commands.SubmitAnswer:
    """Inside a unit of work: the answer as recorded, with its invitation's own cohort (one
    primary-key read), or InvitationMismatch. An answer naming no invitation stays its own."""
    invitation = cmd.claim
    if invitation.invitation_id is not None:
        invitation = uow.invitations.get(invitation.invitation_id)
        errors = claim_errors(cmd.claim, invitation, now)
        if errors:
            raise InvitationMismatch(errors)
    return commands.SubmitAnswer(invitation, cmd.answer, cmd.channel, cmd.source, cmd.idempotency_key)


def submit_source_answer(cmd: commands.SubmitSourceAnswer, uow, delivery, clock,
                         question_sets=None) -> Receipt:
    """Check a source system's answer against its invitation, then record and deliver it."""
    if cmd.claim.invitation_id is None:
        return submit_answer(checked(cmd, uow, clock.now()), uow, delivery, clock, question_sets)
    with uow:
        now = clock.now()
        receipt, event = record(checked(cmd, uow, now), uow, now, question_sets)
        uow.commit()
    return replace(receipt, delivery=delivery.deliver([event]))


def submit_answer(cmd: commands.SubmitAnswer, uow, delivery, clock,
                  question_sets=None) -> Receipt:
    """Record a new answer (or an amendment), then hand its event to the broker or spool."""
    if stateless(cmd):
        _refuse_extras(cmd.answer)
        event = stateless_event(cmd, clock.now())
        return Receipt(event.data["response_id"], 1, delivery.deliver([event]))
    with uow:
        receipt, event = record(cmd, uow, clock.now(), question_sets)
        uow.commit()
    return replace(receipt, delivery=delivery.deliver([event]))


def submit_answers(cmd: commands.SubmitAnswers, uow, delivery, clock, question_sets=None) -> list:
    """Record many answers in one transaction and deliver their events together, in order;
    one Receipt per answer, or the Conflict or InvitationMismatch that refused it."""
    results, events = [], []
    with uow:
        for source_answer in cmd.answers:
            try:
                answer = checked(source_answer, uow, clock.now())
                if stateless(answer):
                    _refuse_extras(answer.answer)
                    event = stateless_event(answer, clock.now())
                    receipt = Receipt(event.data["response_id"], 1, "")
                else:
                    receipt, event = record(answer, uow, clock.now(), question_sets)
            except (Conflict, InvitationMismatch) as err:
                results.append(err)
                continue
            events.append(event)
            results.append(receipt)
        uow.commit()
    outcome = delivery.deliver(events) if events else "published"
    return [replace(r, delivery=outcome) if isinstance(r, Receipt) else r for r in results]


def dead_letter_input(cmd: commands.DeadLetterInput, delivery) -> str:
    """Keep what failed validation, with its reasons, on the dead-letter topic."""
    return delivery.deliver([envelopes.rejected_event(raw, errors, cmd.reason)
                             for raw, errors in cmd.rejected])
