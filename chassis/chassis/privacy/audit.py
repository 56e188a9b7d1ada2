"""The access audit: who read personal data, what, with which filter, how many rows, when.

Every service records a read with the same command (`RecordAccess`) on its own bus, handled by
`record_access` through its unit of work (`uow.access_audit`, an `AccessAudit`), stamped with
the bus's clock. Filters are kept as plain JSON without secrets; a person is named by subject
hash or invitation id, never by address.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable, Mapping

import sqlalchemy as sa

ACTOR, ACTION, TARGET = 200, 100, 200  # the columns' lengths
MAX_FILTERS, MAX_VALUES, MAX_TEXT = 30, 100, 200
# A query argument whose name holds one of these is a credential: never kept.
SECRET_WORDS = ("token", "secret", "password", "passwd", "key", "auth", "signature", "csrf",
                "session", "cookie")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class RecordAccess:
    """Record one read of personal data (the handler stamps it with the bus's clock)."""

    actor: str
    action: str
    target: str | None = None
    filters: dict = field(default_factory=dict)
    rows: int = 0


def record_access(cmd: RecordAccess, uow, clock) -> None:
    with uow:
        uow.access_audit.add(cmd, clock.now())
        uow.commit()


def clean_text(value: str, limit: int = MAX_TEXT) -> str:
    """One line of storable text: control characters and lone surrogates dropped, bounded."""
    text = str(value).encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", text)[:limit]


def _plain(value):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return clean_text(value)


def safe_filters(args: Mapping | None) -> dict:
    """Query arguments as an audit row keeps them: no credentials, bounded, plain JSON."""
    if hasattr(args, "lists"):  # a query string's MultiDict: one value reads as a scalar
        items = ((k, v[0] if len(v) == 1 else v) for k, v in args.lists())
    else:
        items = (args or {}).items()
    kept = {}
    for name, value in items:
        name = clean_text(name, 50)
        if len(kept) >= MAX_FILTERS or any(word in name.lower() for word in SECRET_WORDS):
            continue
        many = isinstance(value, (list, tuple, set, frozenset))
        kept[name] = [_plain(v) for v in sorted(value, key=str)[:MAX_VALUES]] if many else _plain(value)
    return kept


def subject_target(subjects: Iterable[str]) -> str | None:
    """The target of a read about people: their first subject (the filters hold them all)."""
    found = sorted({s for s in subjects if s})
    if not found:
        return None
    return f"subject:{found[0]}" + (f"+{len(found) - 1}" if len(found) > 1 else "")


class AccessAudit:
    """The access_audit table through a unit of work's connection or session."""

    def __init__(self, db, table: sa.Table):
        self.db, self.table = db, table

    def add(self, entry: RecordAccess, at: datetime) -> None:
        self.db.execute(self.table.insert().values(
            at=at, actor=clean_text(entry.actor, ACTOR) or "unknown",
            action=clean_text(entry.action, ACTION),
            target=clean_text(entry.target, TARGET) if entry.target else None,
            filters=safe_filters(entry.filters), rows=max(0, int(entry.rows))))

    def page(self, since: datetime | None = None, until: datetime | None = None,
             actor: str | None = None, action: str | None = None, cursor: int | None = None,
             limit: int = 100) -> dict:
        """Newest first; `cursor` (an entry's id) continues after it. `actor` matches a part."""
        t = self.table
        stmt = sa.select(t).order_by(t.c.id.desc()).limit(limit + 1)
        for condition in ((t.c.at >= since) if since else None, (t.c.at < until) if until else None,
                          t.c.actor.contains(actor, autoescape=True) if actor else None,
                          (t.c.action == action) if action else None,
                          (t.c.id < cursor) if cursor else None):
            if condition is not None:
                stmt = stmt.where(condition)
        rows = [dict(row._mapping) for row in self.db.execute(stmt)]
        items = rows[:limit]
        return {"items": items, "next_cursor": items[-1]["id"] if len(rows) > limit else None}

    def about(self, refs: Iterable[str], limit: int = 1000) -> list[dict]:
        """Entries naming any of `refs` (subject hashes, invitation ids) in target or filters."""
        refs = sorted({r for r in refs if r})
        if not refs:
            return []
        t = self.table
        filters_text = sa.cast(t.c.filters, sa.Text)
        matches = [sa.or_(t.c.target.contains(ref, autoescape=True),
                          filters_text.contains(f'"{ref}"', autoescape=True)) for ref in refs]
        stmt = sa.select(t).where(sa.or_(*matches)).order_by(t.c.id).limit(limit)
        return [dict(row._mapping) for row in self.db.execute(stmt)]
