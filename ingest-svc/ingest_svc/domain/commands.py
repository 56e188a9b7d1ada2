"""What callers ask ingest-svc to do (imperative names)."""
from dataclasses import dataclass, field
from typing import Callable

from ingest_svc.domain.model import Answer, Invitation


@dataclass(frozen=True)
class SubmitAnswer:
    invitation: Invitation
    answer: Answer
    channel: str
    source: str
    idempotency_key: str | None = None


@dataclass(frozen=True)
class SubmitSourceAnswer:
    """An answer from another source system (the API). The invitation it names is only a claim:
    it must be a known, open invitation, whose cohort and ticket are used, never the caller's."""

    claim: Invitation
    answer: Answer
    channel: str
    source: str
    idempotency_key: str | None = None


@dataclass(frozen=True)
class SubmitAnswers:
    """Many source answers in one transaction, their events delivered together, in order."""

    answers: tuple[SubmitSourceAnswer, ...]


@dataclass(frozen=True)
class DeadLetterInput:
    """Keep input that failed validation on the dead-letter topic: (raw bytes, field errors) each."""

    rejected: tuple[tuple[bytes, dict], ...]
    reason: str


@dataclass(frozen=True)
class RecordProvisionalRating:
    invitation: Invitation
    score: int


@dataclass(frozen=True)
class ConfirmStaleProvisionalRatings:
    older_than_s: float


@dataclass(frozen=True)
class RequestOptOut:
    invitation_id: str
    channel: str


@dataclass(frozen=True)
class IngestEmailReply:
    raw: bytes
    via: str
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordInvitation:
    invitation: Invitation


@dataclass(frozen=True)
class CloseInvitation:
    """survey-svc cancelled the invitation: its links stop taking answers."""

    invitation: Invitation
    reason: str


@dataclass(frozen=True)
class ApplyRetention:
    """Let go of what is past its retention period; a dry run only counts. Recorded either way."""

    dry_run: bool = False
    trigger: str = "cli"  # "cli" | "worker"
    progress: Callable | None = field(default=None, compare=False)  # a bar: progress(total=n)


@dataclass(frozen=True)
class EraseSubjects:
    """survey-svc's `erasure.requested`: anonymise what ingest-svc holds about these people."""

    request_id: str
    subjects: tuple[str, ...]
    invitation_ids: tuple[str, ...]
