"""Closing the loop with detractors: a follow-up note, and how well the loop is being closed."""
from dataclasses import dataclass
from datetime import datetime
from statistics import median

MAX_NOTE = 2000
DETRACTOR_MAX_SCORE = 2  # the same definition the rollups count as detractors


class InvalidFollowUp(ValueError):
    """A follow-up that cannot be recorded; the message says why."""


@dataclass(frozen=True)
class FollowUp:
    response_id: str
    directorate: str
    note: str
    followed_up_by: str
    detractor_at: datetime
    followed_up_at: datetime

    @property
    def hours_taken(self) -> float:
        return max(0.0, (self.followed_up_at - self.detractor_at).total_seconds() / 3600)


def follow_up(response: dict, note: str, by: str, now: datetime) -> FollowUp:
    """Record that someone followed up a detractor's response, with what they did."""
    note = (note or "").strip()
    if not note:
        raise InvalidFollowUp("Enter a note saying how you followed up")
    if len(note) > MAX_NOTE:
        raise InvalidFollowUp(f"Note must be {MAX_NOTE} characters or fewer")
    if response["score"] > DETRACTOR_MAX_SCORE:
        raise InvalidFollowUp("Only detractors (score 1 or 2) are followed up here")
    return FollowUp(response["response_id"], response["directorate"], note, by[:200],
                    response["submitted_at"], now)


@dataclass(frozen=True)
class LoopClosure:
    detractors: int
    followed_up: int
    rate: float | None
    median_hours: float | None


def loop_closure(detractors: int, hours_taken: list[float], min_cell: int) -> LoopClosure:
    """Share of detractors followed up and the median hours it took; suppressed for small cells."""
    done = len(hours_taken)
    if detractors < min_cell:
        return LoopClosure(detractors, done, None, None)
    return LoopClosure(detractors, done, round(min(done / detractors, 1.0), 4),
                       round(median(hours_taken), 1) if hours_taken else None)
