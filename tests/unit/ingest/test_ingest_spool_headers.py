"""The spool keeps each record's request id and trace context; spool files from before that
column open, gain it and flush without headers, and code that never reads it still works."""
import sqlite3

from ingest_svc.adapters.delivery import flush_spool
from ingest_svc.adapters.spool import Spool

HEADERS = {"x-request-id": "req-1", "traceparent": f"00-{'a' * 32}-{'b' * 16}-01"}
# spool.db as ingest-svc wrote it before `headers`
OLD_SCHEMA = ("CREATE TABLE spool (seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, "
              "key TEXT, value BLOB NOT NULL)")


def message(n: int) -> tuple[str, str, bytes]:
    return "feedback.responses", f"k{n}", f"answer {n}".encode()


def old_spool(directory, *messages) -> None:
    directory.mkdir()
    with sqlite3.connect(directory / "spool.db") as conn:
        conn.execute(OLD_SCHEMA)
        conn.executemany("INSERT INTO spool (topic, key, value) VALUES (?, ?, ?)", messages)


class Recording:
    """The publisher port: keeps what it is given, as given."""

    def __init__(self):
        self.raw = []

    def publish_raw(self, messages) -> None:
        self.raw.extend(messages)


def test_headers_are_kept_with_each_spooled_message(tmp_path):
    spool = Spool(tmp_path)
    spool.append([message(1), message(2)], HEADERS)
    spool.append([message(3)])
    assert [row[4] for row in spool.peek_to_send()] == [HEADERS, HEADERS, None]
    assert [len(row) for row in spool.peek()] == [4, 4, 4]  # peek's callers see what they did


def test_a_spool_file_from_before_headers_still_flushes(tmp_path):
    old_spool(tmp_path / "spool", message(1), message(2))
    spool = Spool(tmp_path / "spool")
    spool.append([message(3)], HEADERS)  # a record spooled after the upgrade, behind the old ones
    publisher = Recording()
    assert flush_spool(spool, publisher) == 3 and spool.count() == 0
    assert publisher.raw == [(*message(1), None), (*message(2), None), (*message(3), HEADERS)]


def test_an_old_spool_gains_the_column_once_even_opened_twice(tmp_path):
    old_spool(tmp_path / "spool", message(1))
    first, second = Spool(tmp_path / "spool"), Spool(tmp_path / "spool")
    with sqlite3.connect(tmp_path / "spool" / "spool.db") as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(spool)")]
    assert columns == ["seq", "topic", "key", "value", "headers"]
    assert first.peek_to_send()[0][4] is None and second.count() == 1


def test_code_from_before_headers_still_writes_a_new_spool(tmp_path):
    spool = Spool(tmp_path)  # an older worker on the same host inserts without the column
    with sqlite3.connect(tmp_path / "spool.db") as conn:
        conn.execute("INSERT INTO spool (topic, key, value) VALUES (?, ?, ?)", message(1))
    assert [row[4] for row in spool.peek_to_send()] == [None]


def test_unreadable_headers_do_not_stop_a_flush(tmp_path):
    spool = Spool(tmp_path)
    spool.append([message(1)])
    with sqlite3.connect(tmp_path / "spool.db") as conn:
        conn.execute("UPDATE spool SET headers = ?", ("{not json",))
    publisher = Recording()
    assert flush_spool(spool, publisher) == 1
    assert publisher.raw[0][3] is None
