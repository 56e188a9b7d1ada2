"""Erasure on request: anonymise what ingest-svc holds about people, remember them so a replayed
event stays anonymous, and report back with `erasure.completed`."""
import uuid
from dataclasses import replace

from contracts import decode, encode, make_envelope

from ingest_svc.domain import commands
from ingest_svc.domain.model import Invitation
from ingest_svc.service_layer.envelopes import PRODUCER

ERASED = "erased"
_EVENTS = uuid.UUID("0f8e7d52-3c1b-4a96-8e25-6b9d4f1a2c70")
_PERSONAL = ("comment",)  # what a response event says about the person; the numbers stay


def without_comment(value: bytes | str) -> bytes | str | None:
    """An encoded response event without its comment (same event id); None when it has none."""
    try:
        envelope = decode(value)
    except ValueError:  # not an event we can read: it names nobody we could find
        return None
    if not any(envelope.data.get(name) for name in _PERSONAL):
        return None
    encoded = encode(replace(envelope, data={**envelope.data, **dict.fromkeys(_PERSONAL)}))
    return encoded if isinstance(value, bytes) else encoded.decode()


def erase_subjects(cmd: commands.EraseSubjects, uow, delivery, spool, clock, settings) -> dict:
    """Anonymise their answers, replies, kept events and invitations once; report it (again, for
    a request already done, so a report lost in a crash is sent)."""
    with uow:
        done = uow.erasures.get(cmd.request_id)
        if done is None:
            _erase(cmd, uow, spool, settings.reply_tag_key, clock.now())
            uow.commit()
            done = uow.erasures.get(cmd.request_id)
    delivery.deliver([completed_event(done)])
    return done["counts"]


def _erase(cmd: commands.EraseSubjects, uow, spool, key: str, now) -> None:
    subjects = set(cmd.subjects)
    invitation_ids = set(cmd.invitation_ids) | uow.erasures.invitations_of(subjects)
    answers = uow.erasures.answers_of(invitation_ids, subjects)
    response_ids = {response_id for response_id, _ in answers}
    counts = {
        # The spool first: it raises SpoolBusy during a flush, and the event is then re-read.
        "spooled_events": spool.rewrite(invitation_ids | response_ids, without_comment),
        "responses": uow.erasures.anonymise_answers(response_ids),
        "idempotency_envelopes": uow.erasures.rewrite_envelopes(response_ids, without_comment),
        "unmatched_replies": uow.erasures.delete_replies(invitation_ids, subjects, key),
        "invitations": uow.erasures.close_invitations(invitation_ids)}
    refs = {**dict.fromkeys(subjects, "subject"), **dict.fromkeys(invitation_ids, "invitation"),
            **{rid: "response" for rid, invitation_id in answers if invitation_id is None}}
    uow.erasures.record(cmd.request_id, sorted(subjects), sorted(invitation_ids), counts, refs,
                        now)


def completed_event(done: dict):
    return make_envelope("erasure.completed", {
        "request_id": done["request_id"], "service": PRODUCER,
        "completed_at": done["completed_at"], "counts": done["counts"]}, PRODUCER,
        event_id=str(uuid.uuid5(_EVENTS, f"{PRODUCER}:{done['request_id']}")))


def unless_erased(uow, invitation: Invitation, closed: str | None) -> tuple[Invitation, str | None]:
    """A replayed step of an erased invitation lands without its invitee, and closed."""
    if uow.erasures.erased({invitation.invitation_id}):
        return replace(invitation, invitee=None), ERASED
    return invitation, closed
