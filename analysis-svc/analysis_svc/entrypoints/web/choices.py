"""Read the page's choices (directorate, period, dates, view) from the query string, safely."""
from dataclasses import dataclass
from datetime import date

from analysis_svc.domain.periods import FIRST_DAY, LAST_DAY


@dataclass(frozen=True)
class Choice:
    directorate: str | None
    period: str
    start: date | None
    end: date | None
    errors: dict
    view: str = "as_was"  # "as_now": directorates as they are today (#17)


def _date(args, name: str, errors: dict) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors[name] = "Enter a real date, for example 2026-03-31"
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        errors[name] = f"Enter a date from {FIRST_DAY} to {LAST_DAY}"
        return None
    return day


VIEWS = {"as_was": "As they were", "as_now": "As they are now"}


def read_view(args) -> tuple[str, dict]:
    """The structure view (default: as the answers were given) and an error for anything else."""
    view = args.get("view") or "as_was"
    if view not in VIEWS:
        return "as_was", {"view": "Choose as they were or as they are now"}
    return view, {}


def read_choice(args, allowed: list[str]) -> Choice:
    """Validated choices; unknown values fall back to defaults and are reported, never a 500."""
    view, errors = read_view(args)
    period = args.get("period", "month")
    if period not in ("week", "month"):
        errors["period"], period = "Choose weeks or months", "month"
    directorate = args.get("directorate") or None
    if directorate and directorate not in allowed:
        errors["directorate"], directorate = "Choose one of your directorates", None
    if directorate is None and len(allowed) == 1:
        directorate = allowed[0]
    start, end = _date(args, "from", errors), _date(args, "to", errors)
    if start and end and start > end:
        errors["to"], start, end = "The end date must be after the start date", None, None
    return Choice(directorate, period, start, end, errors, view)
