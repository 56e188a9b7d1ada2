"""The durable local spool: an fsync'd SQLite queue standing in for an unreachable broker."""
import fcntl
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from chassis.kafka import carried

_SCHEMA = """CREATE TABLE IF NOT EXISTS spool (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, key TEXT, value BLOB NOT NULL,
    headers TEXT)"""
# `headers` (JSON: the spooling request's id and trace context, sent when flushed) came later:
# a spool file written before it gains the column when opened; its records flush without.
_HEADERS = "ALTER TABLE spool ADD COLUMN headers TEXT"
# Delivered messages leave their bytes in the file and its WAL until compacted: how many, since
# when (the first delivery since the last compaction, in Unix seconds). One row at most.
_DELIVERED = """CREATE TABLE IF NOT EXISTS delivered (
    id INTEGER PRIMARY KEY CHECK (id = 1), messages INTEGER NOT NULL, since REAL NOT NULL)"""


class SpoolBusy(RuntimeError):
    """Another thread or process is flushing the spool: try again shortly."""


class Spool:
    """Shared by every worker process on the host through one file; safe across threads."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "spool.db"
        self._local = threading.local()
        with self._connect() as conn:
            conn.execute(_SCHEMA)
            conn.execute(_DELIVERED)
            _add_headers(conn)

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: every commit is fsync'd before append() returns, so an ack survives a crash.
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
        return conn

    def append(self, messages: list[tuple[str, str | None, bytes]],
               headers: dict[str, str] | None = None) -> None:
        """Keep `messages` with the spooling request's carried_headers(), sent when flushed."""
        stored = carried.dumps(headers)
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT INTO spool (topic, key, value, headers) VALUES (?, ?, ?, ?)",
                             [(topic, key, value, stored) for topic, key, value in messages])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def pending(self) -> bool:
        return self._connect().execute("SELECT EXISTS (SELECT 1 FROM spool)").fetchone()[0] == 1

    def count(self) -> int:
        return self._connect().execute("SELECT count(*) FROM spool").fetchone()[0]

    def peek(self, limit: int = 500) -> list[tuple[int, str, str | None, bytes]]:
        return self._connect().execute(
            "SELECT seq, topic, key, value FROM spool ORDER BY seq LIMIT ?", (limit,)).fetchall()

    def peek_to_send(self, limit: int = 500) -> list[tuple[int, str, str | None, bytes, dict | None]]:
        """The oldest messages with their stored headers (None when none or unreadable)."""
        rows = self._connect().execute(
            "SELECT seq, topic, key, value, headers FROM spool ORDER BY seq LIMIT ?",
            (limit,)).fetchall()
        return [(seq, topic, key, value, carried.loads(text))
                for seq, topic, key, value, text in rows]

    def remove_through(self, seq: int) -> None:
        """Forget messages the broker confirmed, noting that their bytes still linger."""
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            gone = conn.execute("DELETE FROM spool WHERE seq <= ?", (seq,)).rowcount
            if gone:
                conn.execute("INSERT INTO delivered VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE "
                             "SET messages = messages + excluded.messages", (gone, time.time()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def leftovers(self) -> tuple[int, datetime | None]:
        """How many delivered messages may linger in the files, and since when."""
        row = self._connect().execute("SELECT messages, since FROM delivered").fetchone()
        return (0, None) if row is None else (row[0], datetime.fromtimestamp(row[1], timezone.utc))

    def compact(self) -> int:
        """Rewrite the file and empty its WAL, so no delivered message's bytes remain; returns
        how many there were. Raises SpoolBusy while a flush holds the spool."""
        with self.flushing() as mine:
            if not mine:
                raise SpoolBusy("the spool is being flushed")
            conn, (messages, _) = self._connect(), self.leftovers()
            conn.execute("DELETE FROM delivered")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return messages

    def rewrite(self, keys: set[str], change) -> int:
        """Replace the value of each message spooled under one of `keys` by change(value) (None:
        leave it); returns how many changed. Raises SpoolBusy while a flush holds the spool."""
        if not keys:
            return 0
        with self.flushing() as mine:
            if not mine:
                raise SpoolBusy("the spool is being flushed")
            conn = self._connect()
            rows = conn.execute(f"SELECT seq, value FROM spool WHERE key IN "
                                f"({','.join('?' * len(keys))})", sorted(keys)).fetchall()
            changed = [(new, seq) for seq, value in rows if (new := change(value)) is not None]
            if changed:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("UPDATE spool SET value = ? WHERE seq = ?", changed)
                conn.execute("COMMIT")
            return len(changed)

    @contextmanager
    def flushing(self):
        """Hold the host-wide flush lock, or yield False when another process holds it."""
        fd = os.open(self.directory / "flush.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)


def _add_headers(conn: sqlite3.Connection) -> None:
    """Give a spool file from before `headers` the column (once, whichever process is first)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        names = {row[1] for row in conn.execute("PRAGMA table_info(spool)")}
        if "headers" not in names:
            conn.execute(_HEADERS)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
