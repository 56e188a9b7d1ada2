"""The customer's answer back in the ticket: which answers, what note, reopen or not."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

TRIGGERS = ("detractor", "not_resolved", "comment")
DETRACTOR_MAX = 2  # 1 and 2 of 5
SCORE_WORDS = {1: "very dissatisfied", 2: "dissatisfied", 3: "neither satisfied nor dissatisfied",
               4: "satisfied", 5: "very satisfied"}
PENDING, DONE, FAILED = "pending", "done", "failed"
MAX_ATTEMPTS = 12  # about a day of backoff, then `failed` for an operator to look at
FIRST_RETRY_S, LONGEST_RETRY_S = 30, 3600


@dataclass(frozen=True)
class Answer:
    """One version of an answer, as ingest-svc announced it."""
    response_id: str
    version: int
    score: int
    resolved: str | None  # "yes" | "no" | "not_sure"
    comment: str | None
    submitted_at: datetime


@dataclass(frozen=True)
class WriteBackRule:
    """Which triggers write a note, and which of them also reopen the ticket."""
    on: frozenset[str] = frozenset({"detractor", "not_resolved"})
    reopen: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WriteBackRules:
    default: WriteBackRule = WriteBackRule()
    directorates: dict[str, WriteBackRule] = field(default_factory=dict)

    def for_directorate(self, directorate: str) -> WriteBackRule:
        return self.directorates.get(directorate, self.default)


@dataclass(frozen=True)
class Note:
    text: str
    reopen: bool


def triggered(answer: Answer) -> set[str]:
    hits = set()
    if answer.score <= DETRACTOR_MAX:
        hits.add("detractor")
    if answer.resolved == "no":
        hits.add("not_resolved")
    if answer.comment and answer.comment.strip():
        hits.add("comment")
    return hits


def note_for(answer: Answer, ticket_id: str, rule: WriteBackRule) -> Note | None:
    """The note this answer puts on the ticket under `rule`, or None."""
    hits = triggered(answer)
    why = [name for name in TRIGGERS if name in hits & rule.on]
    if not why:
        return None
    return Note(_text(answer, ticket_id, why), bool(hits & rule.reopen))


def _text(answer: Answer, ticket_id: str, why: list[str]) -> str:
    amended = f" (amended, version {answer.version})" if answer.version > 1 else ""
    lines = [f"Customer satisfaction survey for {ticket_id}{amended}",
             f"Score: {answer.score} of 5 ({SCORE_WORDS.get(answer.score, 'unknown')})",
             f"Resolved: {(answer.resolved or 'not answered').replace('_', ' ')}"]
    if answer.comment and answer.comment.strip():
        lines.append(f"Comment: {answer.comment.strip()}")
    lines += [f"Noted because: {', '.join(w.replace('_', ' ') for w in why)}",
              f"Answered {answer.submitted_at:%Y-%m-%d %H:%M} UTC "
              f"(response {answer.response_id}, version {answer.version})"]
    return "\n".join(lines)


@dataclass(frozen=True)
class TeamFollowUp:
    """The team's latest doing in the tool after our note; never its words."""
    at: datetime
    summary: str  # "Reply added in Request Tracker"
    mark: str  # the tool's mark past it: the next look starts there


WATCH_DAYS = 30  # how long after delivery the ticket is watched for the team's follow-up


@dataclass
class WriteBack:
    """One note (and maybe a reopen) owed to one ticket; each step is done once."""
    id: int | None
    response_id: str
    version: int
    connector: str
    ref: str
    ticket_id: str
    note: str | None
    reopen: bool
    created_at: datetime | None = None
    status: str = PENDING
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    noted_at: datetime | None = None
    reopened_at: datetime | None = None
    done_at: datetime | None = None
    directorate: str | None = None
    # The tool's own mark of the ticket just after our steps (RT: its last transaction; others:
    # its updated-at): the team's follow-up is whatever comes after it. None: not watched.
    followup_mark: str | None = None
    checked_at: datetime | None = None
    followed_up_at: datetime | None = None

    @property
    def steps_left(self) -> list[str]:
        steps = [] if self.noted_at else ["note"]
        return steps + (["reopen"] if self.reopen and not self.reopened_at else [])

    def step_done(self, step: str, now: datetime) -> None:
        if step == "note":
            self.noted_at = now
        else:
            self.reopened_at = now
        if not self.steps_left:
            # Delivered: the comment now lives in the ticket; we keep no copy of it.
            self.status, self.done_at, self.note, self.last_error = DONE, now, None, None

    def attempt_failed(self, error: str, now: datetime) -> None:
        self.attempts += 1
        self.last_error = error[:500]
        if self.attempts >= MAX_ATTEMPTS:
            self.status = FAILED
            return
        delay = min(FIRST_RETRY_S * 2 ** (self.attempts - 1), LONGEST_RETRY_S)
        self.next_attempt_at = now + timedelta(seconds=delay)
