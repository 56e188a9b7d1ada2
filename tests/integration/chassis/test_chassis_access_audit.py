"""The access_audit table on SQLite and PostgreSQL: written, paged newest first, found by person."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from chassis.db import make_engine
from chassis.privacy.audit import AccessAudit, RecordAccess
from chassis.privacy.tables import privacy_tables

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
ALICE, BOB = "a" * 64, "b" * 64


@pytest.fixture
def audit_db(db_url):
    metadata = sa.MetaData()
    table = privacy_tables(metadata)["access_audit"]
    engine = make_engine(db_url)
    metadata.create_all(engine)
    with engine.connect() as conn:
        yield AccessAudit(conn, table)
        conn.commit()
    engine.dispose()


def _seed(audit: AccessAudit) -> None:
    entries = [RecordAccess("admin-token", "responses.list", "responses", {"limit": 5}, 5),
               RecordAccess("token#3 (Children)", "responses.export", "responses", {}, 120),
               RecordAccess("admin-token:dpo", "subject_access.read", "subject:" + ALICE,
                            {"subjects": [ALICE], "asked_by": "email"}, 9),
               RecordAccess("admin-token", "erasure.request", "erasure:r1",
                            {"subjects": [BOB, ALICE]}, 1)]
    for minutes, entry in enumerate(entries):
        audit.add(entry, T0 + timedelta(minutes=minutes))


def test_pages_run_newest_first_and_continue_from_the_cursor(audit_db):
    _seed(audit_db)
    first = audit_db.page(limit=3)
    assert [e["action"] for e in first["items"]] == [
        "erasure.request", "subject_access.read", "responses.export"]
    rest = audit_db.page(limit=3, cursor=first["next_cursor"])
    assert [e["action"] for e in rest["items"]] == ["responses.list"]
    assert rest["next_cursor"] is None
    assert first["items"][2]["at"] == T0 + timedelta(minutes=1)
    assert first["items"][2]["rows"] == 120


def test_filters_by_time_actor_and_action(audit_db):
    _seed(audit_db)
    window = audit_db.page(since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3))
    assert [e["action"] for e in window["items"]] == ["subject_access.read", "responses.export"]
    assert [e["actor"] for e in audit_db.page(actor="token#3")["items"]] == ["token#3 (Children)"]
    assert [e["rows"] for e in audit_db.page(action="responses.list")["items"]] == [5]
    assert audit_db.page(actor="100%_")["items"] == []


def test_a_persons_entries_are_found_by_target_or_by_the_filters(audit_db):
    _seed(audit_db)
    assert [e["action"] for e in audit_db.about([ALICE])] == ["subject_access.read",
                                                              "erasure.request"]
    assert [e["action"] for e in audit_db.about([BOB, "c" * 64])] == ["erasure.request"]
    assert audit_db.about([]) == []
