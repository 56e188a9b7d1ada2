"""Turn accepted answers into contract events."""
import json
import uuid
from datetime import datetime

from contracts import Envelope, make_envelope
from contracts.topics import FEEDBACK_RESPONSES

from ingest_svc.domain.model import Answer, Invitation

PRODUCER = "ingest-svc"
_NAMESPACE = uuid.UUID("8c6d2f4e-4b1f-4d8e-9a57-1d2a3b4c5d6e")


def stable_response_id(*parts: str) -> str:
    """The same response id for the same invitation (or idempotency key), so a replay dedupes."""
    return uuid.uuid5(_NAMESPACE, "\x1f".join(parts)).hex


def response_event(invitation: Invitation, answer: Answer, response_id: str, version: int,
                   channel: str, source: str, at: datetime, subject: str | None = None,
                   questions=None) -> Envelope:
    """`questions`: (set reference, [{question_id, value}], {question_id: short text}) or None."""
    cohort = invitation.cohort
    data = {
        "directorate": cohort.directorate, "service": cohort.service,
        "category": cohort.category, "team": cohort.team,
        "response_id": response_id, "invitation_id": invitation.invitation_id,
        "ticket_id": invitation.ticket_id, "version": version, "score": answer.score,
        "resolved": answer.resolved, "comment": answer.comment, "channel": channel,
        "source": source, "language": invitation.language or "en",
        "submitted_at": at.isoformat(), "subject": subject,
    }
    if cohort.organisation:  # optional (#17): left out when none, as before
        data["organisation"] = cohort.organisation
    if questions is not None:
        ref, answers, texts = questions
        # The short texts travel as one personal field, sealed like the comment.
        data.update(question_set=ref, answers=answers,
                    text_answers=json.dumps(texts, ensure_ascii=False) if texts else None)
    event_type = "response.submitted" if version == 1 else "response.amended"
    return make_envelope(event_type, data, PRODUCER)


def optout_event(invitation_id: str, channel: str, at: datetime) -> Envelope:
    data = {"invitation_id": invitation_id, "requested_at": at.isoformat(), "channel": channel}
    return make_envelope("optout.requested", data, PRODUCER)


def rejected_event(raw: bytes, errors: dict, reason: str) -> Envelope:
    """An answer that failed validation, kept (truncated) for the dead-letter topic."""
    return make_envelope("message.rejected", {
        "topic": FEEDBACK_RESPONSES, "key": None, "value": raw.decode("utf-8", "replace")[:100_000],
        "reason": reason, "errors": errors, "rejected_by": PRODUCER}, PRODUCER)
