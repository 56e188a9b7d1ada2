"""Consumer inbox: remembers which envelope event_ids were handled, so a redelivery is a no-op."""
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from chassis.db import UtcDateTime

TABLE = "event_inbox"


def _columns():
    return [
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("seen_at", UtcDateTime(), nullable=False),
    ]


def inbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(TABLE, metadata, *_columns())


def create_in_migration(op) -> None:
    op.create_table(TABLE, *_columns())


_T = inbox_table(sa.MetaData())
_INSERTS = {"postgresql": postgresql.insert(_T).on_conflict_do_nothing(),
            "sqlite": sqlite.insert(_T).on_conflict_do_nothing()}


def _dialect(conn_or_session) -> str:
    bind = getattr(conn_or_session, "dialect", None) or conn_or_session.get_bind().dialect
    return bind.name


def seen(conn_or_session, event_ids: Iterable[str]) -> set[str]:
    """Of `event_ids`, those already in the inbox."""
    ids = sorted(set(event_ids))
    if not ids:
        return set()
    return set(conn_or_session.execute(
        sa.select(_T.c.event_id).where(_T.c.event_id.in_(ids))).scalars())


def mark(conn_or_session, event_ids: Iterable[str], now: datetime) -> None:
    """Add `event_ids` in the caller's transaction; ids already there are ignored."""
    rows = [{"event_id": e, "seen_at": now} for e in sorted(set(event_ids))]
    if rows:
        conn_or_session.execute(_INSERTS[_dialect(conn_or_session)], rows)
