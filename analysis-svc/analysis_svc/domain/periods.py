"""Reporting periods: ISO weeks ("2026-W47") and calendar months ("2026-11").

A moment falls in the period of its day in the reporting time zone `zone` (the service passes
REPORTING_TIMEZONE, Europe/London by default, so a week starts at local midnight on Monday);
a plain date is already a local day.
"""
import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache

KINDS = ("week", "month")
UTC = timezone.utc
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# The days a query may name: this century (a window of weeks stays a few thousand periods long).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def week_of(moment: datetime | date, zone: tzinfo = UTC) -> str:
    year, week, _ = _as_date(moment, zone).isocalendar()
    return f"{year:04d}-W{week:02d}"


def month_of(moment: datetime | date, zone: tzinfo = UTC) -> str:
    day = _as_date(moment, zone)
    return f"{day.year:04d}-{day.month:02d}"


def period_of(kind: str, moment: datetime | date, zone: tzinfo = UTC) -> str:
    return week_of(moment, zone) if kind == "week" else month_of(moment, zone)


@lru_cache(maxsize=4096)
def period_start(kind: str, period: str) -> date:
    """First day of a period key; raises ValueError for a malformed key."""
    if kind == "week" and (match := _WEEK.match(period)):
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    if kind == "month" and (match := _MONTH.match(period)):
        return date(int(match[1]), int(match[2]), 1)
    raise ValueError(f"not a {kind} period: {period!r}")


@lru_cache(maxsize=4096)
def previous(kind: str, period: str) -> str:
    start = period_start(kind, period)
    if kind == "week":
        return week_of(start - timedelta(days=7))
    return month_of(start - timedelta(days=1))


def shift(kind: str, period: str, steps: int) -> str:
    """The period `steps` before `period` (steps >= 0), in one step (windows can be long)."""
    start = period_start(kind, period)
    if kind == "week":
        return week_of(start - timedelta(weeks=steps))
    months = start.year * 12 + start.month - 1 - steps
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def periods_between(kind: str, first: str, last: str) -> list[str]:
    """Every period key from `first` to `last` inclusive, oldest first (none if first > last)."""
    day, end, out = period_start(kind, first), period_start(kind, last), []
    while day <= end:
        out.append(period_of(kind, day))
        day = day + timedelta(weeks=1) if kind == "week" else (day + timedelta(days=32)).replace(day=1)
    return out


def local_day(moment: datetime | date, zone: tzinfo = UTC) -> date:
    """The day a moment falls on in `zone` (a plain date is already a local day)."""
    return _as_date(moment, zone)


@lru_cache(maxsize=8192)
def periods_of_day(day: date) -> tuple[tuple[str, str, date], ...]:
    """(kind, period, period start) of each kind of period a local day is in."""
    return tuple((kind, period, period_start(kind, period))
                 for kind in KINDS for period in (period_of(kind, day),))


def local_midnight(day: date, zone: tzinfo = UTC) -> datetime:
    """The moment a local day starts, in UTC (SQLite compares stored UTC wall-clock text)."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _as_date(moment: datetime | date, zone: tzinfo) -> date:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:  # stored naive (SQLite): UTC
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(zone).date()
    return moment
