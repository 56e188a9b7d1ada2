"""Consumer inbox: remembers which envelope event_ids were handled, so a redelivery is a no-op."""
from collections.abc import Iterable
from datetime import datetime

import orjson
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
# PostgreSQL takes a batch's ids as one parameter, not one per id: a statement of the same text
# for any batch size (psycopg prepares it), a few times faster to parse and plan than an IN list
# or an executemany of a thousand ids. A JSON array rather than a VARCHAR[]: orjson writes it in
# C, where psycopg dumps a list's items one by one in Python. Read back as text, so a longer id
# than the column's is refused, not cut.
_IDS = sa.func.json_array_elements_text(sa.cast(sa.bindparam("ids", type_=sa.Text),
                                                postgresql.JSON))
_SEEN_PG = sa.select(_T.c.event_id).where(_T.c.event_id.in_(sa.select(_IDS)))
_MARK_PG = postgresql.insert(_T).from_select(["event_id", "seen_at"], sa.select(
    _IDS, sa.bindparam("seen_at", type_=_T.c.seen_at.type))
).on_conflict_do_nothing()


def _dialect(conn_or_session) -> str:
    bind = getattr(conn_or_session, "dialect", None) or conn_or_session.get_bind().dialect
    return bind.name


def seen(conn_or_session, event_ids: Iterable[str]) -> set[str]:
    """Of `event_ids`, those already in the inbox."""
    ids = sorted(set(event_ids))
    if not ids:
        return set()
    if _dialect(conn_or_session) == "postgresql":
        return set(conn_or_session.execute(_SEEN_PG, {"ids": orjson.dumps(ids).decode()}).scalars())
    return set(conn_or_session.execute(
        sa.select(_T.c.event_id).where(_T.c.event_id.in_(ids))).scalars())


def mark(conn_or_session, event_ids: Iterable[str], now: datetime) -> None:
    """Add `event_ids` in the caller's transaction; ids already there are ignored."""
    ids = sorted(set(event_ids))
    if not ids:
        return
    dialect = _dialect(conn_or_session)
    if dialect == "postgresql":
        conn_or_session.execute(_MARK_PG, {"ids": orjson.dumps(ids).decode(), "seen_at": now})
    else:
        conn_or_session.execute(_INSERTS[dialect], [{"event_id": e, "seen_at": now} for e in ids])
