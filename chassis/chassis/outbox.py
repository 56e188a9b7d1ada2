"""Transactional outbox: events commit with the state change, a relay publishes them after."""
import logging
import threading
from datetime import datetime, timezone

import sqlalchemy as sa

from chassis.db import UtcDateTime
from chassis.kafka.carried import carried_headers
from chassis.metrics import table_backlog
from contracts.envelope import Envelope, encode

log = logging.getLogger(__name__)
TABLE = "event_outbox"


def _columns():
    """The table as its first migration created it (migrations replay it: keep it as it was)."""
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(500)),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("published_at", UtcDateTime(), index=True),
    ]


def headers_column() -> sa.Column:
    """The writing request's id and trace context (carried_headers()), sent with the event."""
    return sa.Column("headers", sa.JSON(none_as_null=True))


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(TABLE, metadata, *_columns(), headers_column())


def create_in_migration(op) -> None:
    """The first version of the table; add_headers_in_migration() adds what came later."""
    op.create_table(TABLE, *_columns())


def add_headers_in_migration(op) -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(headers_column())


def drop_headers_in_migration(op) -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column("headers")


_INSERT = sa.table(TABLE, *[sa.column(c) for c in ("event_id", "topic", "key", "payload",
                                                   "created_at")],
                   sa.column("headers", sa.JSON(none_as_null=True))).insert()


def add_to_outbox(session, envelope: Envelope) -> None:
    """Stage an event in the caller's transaction; it is published only if that commits,
    carrying the current request's id and trace context."""
    session.execute(_INSERT, {"event_id": envelope.event_id, "topic": envelope.topic,
                              "key": envelope.key, "payload": encode(envelope),
                              "created_at": datetime.now(timezone.utc),
                              "headers": carried_headers()})


class OutboxRelay:
    def __init__(self, session_factory, publisher):
        self.session_factory = session_factory
        self.publisher = publisher
        self.table = outbox_table(sa.MetaData())

    def relay(self, limit: int = 500) -> int:
        """Publish pending events in insertion order; returns how many went out."""
        t = self.table
        with self.session_factory() as session, session.begin():
            rows = session.execute(
                sa.select(t.c.id, t.c.topic, t.c.key, t.c.payload, t.c.headers)
                .where(t.c.published_at.is_(None)).order_by(t.c.id).limit(limit)
                .with_for_update(skip_locked=True)).all()
            if not rows:
                return 0
            self.publisher.publish_raw([(r.topic, r.key, r.payload, r.headers) for r in rows])
            session.execute(t.update().where(t.c.id.in_([r.id for r in rows]))
                            .values(published_at=datetime.now(timezone.utc)))
        return len(rows)

    def relay_forever(self, stop: threading.Event, interval_s: float = 0.5) -> None:
        relay_forever(self.relay, stop, interval_s, "outbox relay")

    def pending(self) -> tuple[int, datetime | None]:
        """How many events wait to be published, and since when the oldest (for /metrics)."""
        t = self.table
        return table_backlog(self.session_factory, t.c.created_at, t.c.published_at.is_(None))()


def relay_forever(relay, stop: threading.Event, interval_s: float, name: str) -> None:
    """Call `relay` (returns how many it handled) until it has nothing left, then again every
    interval_s, until `stop`. A failing round is logged and retried: the broker, the database
    or a mail server may be away for a while."""
    while not stop.is_set():
        try:
            while relay() and not stop.is_set():
                pass
        except Exception as err:
            log.warning(f"{name} paused", extra={"error": type(err).__name__})
        stop.wait(interval_s)
