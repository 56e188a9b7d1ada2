"""Erasure on request: anonymise what ingest-svc holds about people, remember them so a replayed
event stays anonymous, and report back with `erasure.completed`."""
from dataclasses import replace

from chassis.privacy.erasures import completed_event, refs_of
from contracts import decode, encode
from contracts.registry import personal_fields_of

from ingest_svc.domain import commands
from ingest_svc.service_layer.envelopes import PRODUCER


def without_comment(value: bytes | str) -> bytes | str | None:
    """An encoded response event without its personal fields (the comment) and its subject,
    same event id, the numbers as they were; None when there is nothing to take out."""
    try:
        envelope = decode(value)
    except ValueError:  # not an event we can read: it names nobody we could find
        return None
    personal = [name for name in (*personal_fields_of(envelope.event_type), "subject")
                if "." not in name and envelope.data.get(name)]
    if not personal:
        return None
    encoded = encode(replace(envelope, data={**envelope.data, **dict.fromkeys(personal)}))
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
    delivery.deliver([completed_event(PRODUCER, done)])
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
    uow.erasures.record(cmd.request_id, sorted(subjects), sorted(invitation_ids), counts,
                        refs_of(subjects, invitation_ids, answers), now)

