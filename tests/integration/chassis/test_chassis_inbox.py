"""The consumer inbox on SQLite and PostgreSQL: seen ids, insert-ignore, rollback."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from chassis import inbox
from chassis.db import make_engine, session_factory

pytestmark = pytest.mark.integration
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    inbox.inbox_table(sa.MetaData()).metadata.create_all(engine)
    yield engine
    engine.dispose()


def test_marked_ids_are_seen_and_marking_twice_is_ignored(engine):
    with session_factory(engine)() as session, session.begin():
        assert inbox.seen(session, ["a", "b"]) == set()
        inbox.mark(session, ["a", "b", "a"], NOW)
    with engine.begin() as conn:
        inbox.mark(conn, ["b", "c"], NOW)
        assert inbox.seen(conn, ["a", "c", "d"]) == {"a", "c"}
        assert inbox.seen(conn, []) == set()
        assert conn.execute(sa.text("SELECT count(*) FROM event_inbox")).scalar() == 3


def test_marks_in_a_rolled_back_transaction_are_forgotten(engine):
    with pytest.raises(RuntimeError), engine.begin() as conn:
        inbox.mark(conn, ["x"], NOW)
        raise RuntimeError("rolled back")
    with engine.connect() as conn:
        assert inbox.seen(conn, ["x"]) == set()
