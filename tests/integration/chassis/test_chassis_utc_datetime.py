"""chassis.db.UtcDateTime: aware UTC datetimes back from SQLite and PostgreSQL alike."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from chassis.db import UtcDateTime, make_engine

pytestmark = pytest.mark.integration


def test_timestamps_come_back_aware_in_utc(db_url):
    engine = make_engine(db_url)
    table = sa.Table("moments", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("at", UtcDateTime()))
    table.metadata.create_all(engine)
    plus_two = timezone(timedelta(hours=2))
    with engine.begin() as conn:
        conn.execute(table.insert(), [
            {"id": 1, "at": datetime(2026, 3, 29, 3, 30, tzinfo=plus_two)},
            {"id": 2, "at": datetime(2026, 3, 29, 1, 30)},  # naive: taken as UTC
            {"id": 3, "at": None}])
        rows = dict(conn.execute(sa.select(table.c.id, table.c.at).order_by(table.c.id)).all())
        later = conn.execute(sa.select(table.c.id).where(
            table.c.at > datetime(2026, 3, 29, 3, 0, tzinfo=plus_two))).scalars().all()
    engine.dispose()
    expected = datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)
    assert rows == {1: expected, 2: expected, 3: None}
    assert rows[1].utcoffset() == timedelta(0)
    assert sorted(later) == [1, 2]
