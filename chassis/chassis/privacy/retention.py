"""Retention periods per data class: settings, and the cutoff before which data has to go.

Each service applies the same five periods to what it holds (its own `adapters/retention.py`
says which rows and columns belong to which class); the periods are read once from the
environment, so every service, and the survey email's promise, use the same figures.
"""
import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from chassis.settings import env

UNITS = ("days", "weeks", "months", "years")
_PERIOD = re.compile(r"\s*(\d+)\s*(day|week|month|year)s?\s*", re.IGNORECASE)
_MAX_DAYS = 100 * 366  # a period longer than a century is a typing mistake


@dataclass(frozen=True, order=False)
class Period:
    count: int
    unit: str  # one of UNITS

    def before(self, moment: datetime) -> datetime:
        """`moment` less this period, in calendar months and years (31 March less a month is
        28 or 29 February)."""
        if self.unit in ("days", "weeks"):
            return moment - timedelta(**{self.unit: self.count})
        months = self.count * (12 if self.unit == "years" else 1)
        index = moment.year * 12 + moment.month - 1 - months
        year, month = divmod(index, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day)

    @property
    def approximate_days(self) -> float:
        per = {"days": 1, "weeks": 7, "months": 365.25 / 12, "years": 365.25}[self.unit]
        return self.count * per

    def in_largest_unit(self) -> "Period":
        """24 months as 2 years, 14 days as 2 weeks: how a person would say it."""
        if self.unit == "months" and self.count % 12 == 0:
            return Period(self.count // 12, "years")
        if self.unit == "days" and self.count % 7 == 0:
            return Period(self.count // 7, "weeks")
        return self

    def __str__(self) -> str:
        return f"{self.count} {self.unit if self.count != 1 else self.unit[:-1]}"


def as_period(raw: str) -> Period:
    """'24 months', '90 days', '2 years', '6 weeks' (singular or plural, any case)."""
    match = _PERIOD.fullmatch(raw)
    if not match:
        raise ValueError(f"must be a number of days, weeks, months or years, e.g. '24 months', "
                         f"got {raw!r}")
    period = Period(int(match.group(1)), match.group(2).lower() + "s")
    if not 0 < period.approximate_days <= _MAX_DAYS:
        raise ValueError(f"must be from 1 day to 100 years, got {raw!r}")
    return period


# The data classes, each with its own period; the keys of every run's cutoffs and counts.
CONTACT_DETAILS, COMMENTS, UNMATCHED_REPLIES = "contact_details", "comments", "unmatched_replies"
DELIVERED, ACCESS_AUDIT = "delivered", "access_audit"
DATA_CLASSES = (CONTACT_DETAILS, COMMENTS, UNMATCHED_REPLIES, DELIVERED, ACCESS_AUDIT)


@dataclass(frozen=True, kw_only=True)
class RetentionSettings:
    """Mixed into each service's Settings: the same variables mean the same everywhere."""

    # Requester email, name and id, and the hashes that link an answer to a person: from the
    # invitation (or the answer, for what an answer carries).
    retention_contact_details: Period = env("RETENTION_CONTACT_DETAILS", Period(24, "months"),
                                            as_period)
    # Comments, raw or redacted, and what repeats them (follow-up notes, alert emails).
    retention_comments: Period = env("RETENTION_COMMENTS", Period(24, "months"), as_period)
    # Email replies no invitation could be matched to, kept for a person to review.
    retention_unmatched_replies: Period = env("RETENTION_UNMATCHED_REPLIES", Period(90, "days"),
                                              as_period)
    # Copies kept once delivered: idempotency envelopes, spool leftovers, published events.
    retention_delivered: Period = env("RETENTION_DELIVERED", Period(30, "days"), as_period)
    # Who looked at personal data.
    retention_access_audit: Period = env("RETENTION_ACCESS_AUDIT", Period(24, "months"),
                                         as_period)

    def retention_periods(self) -> dict[str, Period]:
        return {name: getattr(self, f"retention_{name}") for name in DATA_CLASSES}

    @property
    def longest_personal_period(self) -> Period:
        """How long an answer stays linked to a person: the promise made in the survey email."""
        return max((self.retention_contact_details, self.retention_comments),
                   key=lambda period: period.approximate_days)


def cutoffs(settings: RetentionSettings, now: datetime) -> dict[str, datetime]:
    """Per data class, the moment before which that class's data is past its period."""
    return {name: period.before(now) for name, period in settings.retention_periods().items()}


def month_of(moment: datetime) -> str:
    """'2024-01': the month a moment falls in (the key vault keeps one key per subject a month)."""
    return f"{moment.year:04d}-{moment.month:02d}"
