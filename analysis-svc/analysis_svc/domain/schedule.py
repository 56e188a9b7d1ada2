"""When the board report is emailed: a documented subset of cron, in a named time zone.

    "0 8 2 * * Europe/London"                minute hour day-of-month month day-of-week [zone]
    "monthly on the 2nd at 08:00 Europe/London"   the same, in words
    "weekly on monday at 07:30", "daily at 06:00"

Each cron field is `*`, a number, a range `a-b`, a step `*/n` or `a-b/n`, or a comma list of
those; day of week is 0-7 (0 and 7 are Sunday). As in cron, when both day fields are
restricted a day matching either one is due. Without a zone, the reporting time zone is used.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12),
          ("day of week", 0, 7))
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHLY = re.compile(r"monthly on the (\d{1,2})(?:st|nd|rd|th)? at (\d{1,2}):(\d{2})$")
_WEEKLY = re.compile(rf"weekly on ({'|'.join(DAYS)}) at (\d{{1,2}}):(\d{{2}})$")
_DAILY = re.compile(r"daily at (\d{1,2}):(\d{2})$")
_HORIZON_DAYS = 366 * 8  # 29 February on a Monday: the rarest day a schedule can name


class InvalidSchedule(ValueError):
    """The schedule text is not in the documented subset; the message says what is wrong."""


@dataclass(frozen=True)
class Schedule:
    text: str
    minutes: frozenset
    hours: frozenset
    days: frozenset
    months: frozenset
    weekdays: frozenset  # 0 = Sunday
    any_day: bool
    any_weekday: bool
    zone: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def latest(self, now: datetime) -> datetime | None:
        """The last scheduled moment at or before `now` (aware, UTC)."""
        local = now.astimezone(self.tz)
        for offset in range(_HORIZON_DAYS):
            day = local.date() - timedelta(days=offset)
            for moment in reversed(self._moments(day)):
                if moment <= now:
                    return moment
        return None

    def next_after(self, now: datetime) -> datetime | None:
        """The first scheduled moment after `now` (aware, UTC)."""
        local = now.astimezone(self.tz)
        for offset in range(_HORIZON_DAYS):
            for moment in self._moments(local.date() + timedelta(days=offset)):
                if moment > now:
                    return moment
        return None

    def _moments(self, day: date) -> list[datetime]:
        if day.month not in self.months or not self._day_matches(day):
            return []
        return [datetime.combine(day, time(h, m), self.tz).astimezone(timezone.utc)
                for h in sorted(self.hours) for m in sorted(self.minutes)]

    def _day_matches(self, day: date) -> bool:
        by_date = day.day in self.days
        by_weekday = (day.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:  # cron: only a restricted field counts
            return by_date and by_weekday
        return by_date or by_weekday


def parse_schedule(text: str, default_zone: str = "UTC") -> Schedule:
    """A Schedule, or InvalidSchedule naming the part that is wrong."""
    words = text.strip().split()
    zone = default_zone
    if words and "/" in words[-1] and not words[-1][0].isdigit() and not words[-1].startswith("*"):
        zone = words.pop()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSchedule(f"unknown time zone {zone!r} (use an IANA name such as Europe/London)") from None
    expression = _from_words(" ".join(words).lower()) or " ".join(words)
    parts = expression.split()
    if len(parts) != 5:
        raise InvalidSchedule(f"{text!r} is neither five cron fields (minute hour day month weekday) "
                              "nor 'monthly on the 2nd at 08:00' / 'weekly on monday at 07:30' / 'daily at 06:00'")
    values = [_field(part, *spec) for part, spec in zip(parts, FIELDS)]
    weekdays = frozenset(d % 7 for d in values[4])
    schedule = Schedule(text.strip(), values[0], values[1], values[2], values[3], weekdays,
                        parts[2] == "*", parts[4] == "*", zone)
    if schedule.next_after(datetime(2000, 1, 1, tzinfo=timezone.utc)) is None:
        raise InvalidSchedule(f"{text!r} never happens (no such date)")
    return schedule


def _from_words(text: str) -> str | None:
    if found := _MONTHLY.match(text):
        day, hour, minute = found.groups()
        return f"{int(minute)} {int(hour)} {int(day)} * *"
    if found := _WEEKLY.match(text):
        weekday, hour, minute = found.groups()
        return f"{int(minute)} {int(hour)} * * {(DAYS.index(weekday) + 1) % 7}"
    if found := _DAILY.match(text):
        hour, minute = found.groups()
        return f"{int(minute)} {int(hour)} * * *"
    return None


def _field(part: str, name: str, low: int, high: int) -> frozenset:
    values: set[int] = set()
    for item in part.split(","):
        found = re.fullmatch(r"(\*|\d+)(?:-(\d+))?(?:/(\d+))?", item)
        if not found:
            raise InvalidSchedule(f"{name} {item!r} is not *, a number, a range a-b or a step */n")
        start, end, step = found.groups()
        first, last = (low, high) if start == "*" else (int(start), int(end or start))
        if start != "*" and end is None and step:
            last = high  # "5/15": from 5 to the end, as cron reads it
        if not (low <= first <= high and low <= last <= high) or first > last:
            raise InvalidSchedule(f"{name} {item!r} is outside {low}-{high}")
        if step is not None and int(step) == 0:
            raise InvalidSchedule(f"{name} {item!r} has a step of 0")
        values.update(range(first, last + 1, int(step or 1)))
    return frozenset(values)
