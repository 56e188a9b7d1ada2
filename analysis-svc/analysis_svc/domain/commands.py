"""What analysis-svc is asked to do: one command per consumed batch, page action or CLI job."""
from dataclasses import dataclass, field
from typing import Callable, Sequence


@dataclass(frozen=True)
class ConsumeBatch:
    """Records polled from feedback.responses and surveys.lifecycle (chassis.kafka.Record)."""

    records: Sequence


@dataclass(frozen=True)
class ReplayBatch:
    """Records replayed by `rebuild`: alerts never emailed again, published only if asked."""

    records: Sequence
    publish: bool = False
    # (response_id, version) -> the reading feedback.scored recorded for an answer whose comment
    # can no longer be opened (its person erased or past retention): used instead of the text.
    readings: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PrepareRebuild:
    """Empty the analysis tables (reset) or check they hold no responses yet."""

    reset: bool = False


@dataclass(frozen=True)
class MarkFollowedUp:
    response_id: str
    note: str
    by: str
    scope: frozenset | None  # the directorates the person may see (None: all)


@dataclass(frozen=True)
class IssueToken:
    """A partner token for some directorates and organisations (ids: every directorate of
    theirs, #17); `token` picks its value (default: a new one)."""

    directorates: tuple[str, ...]
    label: str | None = None
    email: str | None = None
    token: str | None = None
    organisations: tuple[str, ...] = ()


@dataclass(frozen=True)
class RevokeToken:
    token_id: int


@dataclass(frozen=True)
class ApplyRetention:
    """Let go of what is past its retention period; a dry run only counts. Recorded either way."""

    dry_run: bool = False
    trigger: str = "cli"  # "cli" | "worker"
    progress: Callable | None = field(default=None, compare=False)  # a bar: progress(total=n)


@dataclass(frozen=True)
class EraseSubjects:
    """survey-svc's `erasure.requested`: forget these people, keep their answers counted.
    `report=False` (a rebuild) records the erasure without announcing it again."""

    request_id: str
    subjects: tuple[str, ...]
    invitation_ids: tuple[str, ...]
    report: bool = True


@dataclass(frozen=True)
class SendScheduledReport:
    """The board report by email: the due scheduled moment, or (now=True) at once."""

    now: bool = False
