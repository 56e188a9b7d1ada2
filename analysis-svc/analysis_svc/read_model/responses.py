"""Record-level reads: redacted responses, newest first, keyset-paginated, and the CSV export."""
import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from itertools import islice
from typing import Iterator

from sqlalchemy import Text, and_, cast, or_, select

from chassis.scope import scoped

from analysis_svc.adapters.orm import responses
from analysis_svc.domain.periods import UTC, local_midnight
from analysis_svc.read_model.structure_records import now_records

# Stable export columns: append new ones at the end, never reorder or rename.
EXPORT_COLUMNS = ("response_id", "version", "submitted_at", "directorate", "service", "team",
                  "category", "channel", "score", "resolved", "label", "compound", "themes",
                  "disagreement", "comment")
_SELECTED = [responses.c[name] for name in (
    "response_id", "version", "invitation_id", "submitted_at", "directorate", "service", "team",
    "category", "channel", "score", "resolved", "label", "compound", "themes", "disagreement",
    "redacted_comment", "question_set", "answers")]


class BadCursor(ValueError):
    """A pagination cursor that this service did not hand out."""


@dataclass(frozen=True)
class ResponseFilters:
    start: date | None = None
    end: date | None = None
    directorate: str | None = None
    service: str | None = None
    team: str | None = None
    label: str | None = None
    theme: str | None = None
    max_score: int | None = None
    min_score: int | None = None
    disagreement: bool | None = None
    with_comment: bool | None = None
    zone: tzinfo = UTC  # start and end are local days here (REPORTING_TIMEZONE)
    view: str | None = None  # "as_now": directorates as they are today (#17); else as stored
    today: date | None = None  # the day "today's structure" means (with view)


def _query(scope: set[str] | None, f: ResponseFilters, stored: set[str] | None = None,
           now: bool = False):
    """The filtered, ordered read; `now`: only the `stored` names (None: all), placed later."""
    if now:
        stmt = select(*_SELECTED)
        if stored is not None:
            stmt = stmt.where(responses.c.directorate.in_(sorted(stored)))
    else:
        stmt = scoped(select(*_SELECTED), responses.c.directorate, scope, f.directorate)
    for name in ("service", "team", "label", "disagreement"):
        if (value := getattr(f, name)) is not None:
            stmt = stmt.where(responses.c[name] == value)
    if f.start:
        stmt = stmt.where(responses.c.submitted_at >= local_midnight(f.start, f.zone))
    if f.end:
        stmt = stmt.where(responses.c.submitted_at < local_midnight(f.end + timedelta(days=1), f.zone))
    if f.theme is not None:
        # Themes are stored as a JSON list of taxonomy ids; match the quoted id in its text.
        needle = f.theme.replace("\\", "").replace("%", "").replace("_", "\\_")
        stmt = stmt.where(cast(responses.c.themes, Text).like(f'%"{needle}"%', escape="\\"))
    if f.min_score is not None:
        stmt = stmt.where(responses.c.score >= f.min_score)
    if f.max_score is not None:
        stmt = stmt.where(responses.c.score <= f.max_score)
    if f.with_comment is not None:
        column = responses.c.redacted_comment
        stmt = stmt.where(column.is_not(None) if f.with_comment else column.is_(None))
    return stmt.order_by(responses.c.submitted_at.desc(), responses.c.response_id.desc())


def _row(item: dict) -> dict:
    item["comment"] = item.pop("redacted_comment")
    item["submitted_at"] = item["submitted_at"].isoformat()
    for name in ("service", "team"):
        item[name] = item[name] or None
    item["themes"] = list(item["themes"] or [])
    # As given, whatever version of the set they answered: an old set's ids stay readable.
    item["answers"] = list(item["answers"] or [])
    return item


def encode_cursor(item: dict) -> str:
    raw = f"{item['submitted_at']}|{item['response_id']}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, response_id = raw.split("|", 1)
        return datetime.fromisoformat(moment), response_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor("not a cursor from this feed") from None


def responses_page(session, scope: set[str] | None, filters: ResponseFilters,
                   cursor: str | None = None, limit: int = 50) -> dict:
    """One page of redacted responses and the cursor of the next page (None at the end).

    Only an admin (scope None) sees invitation_id: it addresses an answer from outside (an
    email reply or an API answer names it), so a partner's feed must not hand it out."""
    stmt, place = _read(session, scope, filters)
    if cursor:
        moment, response_id = decode_cursor(cursor)
        stmt = stmt.where(or_(responses.c.submitted_at < moment,
                              and_(responses.c.submitted_at == moment,
                                   responses.c.response_id < response_id)))
    if place is None:
        rows = [_row(dict(r._mapping)) for r in session.execute(stmt.limit(limit + 1))]
    else:  # rows outside the view are dropped after SQL: read on until the page is full
        placed = _placed(session, stmt, place)
        rows = list(islice(placed, limit + 1))
        placed.close()
    page = rows[:limit]
    if scope is not None:
        for item in page:
            del item["invitation_id"]
    return {"items": page,
            "next_cursor": encode_cursor(page[-1]) if len(rows) > limit else None}


def iter_export(session, scope: set[str] | None, filters: ResponseFilters,
                chunk: int = 1000) -> Iterator[dict]:
    """Every matching response as an export row (EXPORT_COLUMNS), newest first."""
    stmt, place = _read(session, scope, filters)
    stmt = stmt.execution_options(yield_per=chunk)
    items = (_row(dict(r._mapping)) for r in session.execute(stmt)) if place is None \
        else _placed(session, stmt, place)
    for item in items:
        yield {name: item.get(name) for name in EXPORT_COLUMNS}


def _read(session, scope, filters: ResponseFilters):
    """The statement and, in the "as it is now" view, the placement each row goes through."""
    now = now_records(session, filters.view, filters.today, filters.zone, scope,
                      filters.directorate)
    if now is None:
        return _query(scope, filters), None
    return _query(scope, filters, now.stored_names(session), now=True), now.place


def _placed(session, stmt, place) -> Iterator[dict]:
    result = session.execute(stmt.execution_options(yield_per=500))
    try:
        for row in result:
            item = place(dict(row._mapping))
            if item is not None:
                yield _row(item)
    finally:  # a page stops reading early: free the cursor now, not when collected
        result.close()
