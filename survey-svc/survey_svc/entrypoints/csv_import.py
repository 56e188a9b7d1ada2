"""Backfill from a CSV export: each good row decided on its own, each bad row reported."""
import csv
from dataclasses import dataclass, field

from survey_svc.adapters.tickets import ValidationError, load_ticket
from survey_svc.domain.commands import ReopenTicket, ResolveTicket

REQUESTER = {"requester_id": "id", "requester_email": "email", "requester_name": "name"}
FLAGS = ("reopened", "auto_closed")


@dataclass
class Summary:
    rows: int = 0
    surveyed: int = 0
    not_surveyed: int = 0
    duplicates: int = 0
    cancelled: int = 0
    not_resolved: int = 0  # rows a mapping says are not a resolution (skipped)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def payload(row: dict) -> dict:
    """A CSV row as the webhook body (empty cells are absent)."""
    cells = {k.strip(): (v or "").strip() for k, v in row.items() if k}
    data = {k: v for k, v in cells.items()
            if v and k not in REQUESTER and k not in FLAGS and k != "resolution"}
    data["requester"] = {name: cells[col] for col, name in REQUESTER.items() if cells.get(col)}
    data["resolution"] = int(cells["resolution"]) if cells.get("resolution", "").isdigit() \
        else cells.get("resolution")
    for flag in FLAGS:
        if cells.get(flag):
            data[flag] = cells[flag].lower() in ("1", "true", "yes", "y")
    return data


def reason(messages) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {reason(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return " ".join(reason(m) for m in messages)
    return str(messages)


def import_rows(lines, bus, *, dry_run: bool, progress=iter) -> Summary:
    summary = Summary()
    for line_no, row in progress(enumerate(csv.DictReader(lines), start=2)):
        summary.rows += 1
        try:
            ticket, reopened = load_ticket(payload(row))
        except ValidationError as err:
            summary.rejected.append((line_no, reason(err.messages)))
            continue
        if dry_run:
            continue
        if reopened:
            summary.cancelled += bus.handle(ReopenTicket(ticket.ticket_id, ticket.resolution))
            continue
        outcome = bus.handle(ResolveTicket(ticket))
        summary.duplicates += outcome.duplicate
        summary.surveyed += outcome.surveyed and not outcome.duplicate
        summary.not_surveyed += not outcome.surveyed and not outcome.duplicate
    return summary
