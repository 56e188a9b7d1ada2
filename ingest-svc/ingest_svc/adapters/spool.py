"""The durable local spool: an fsync'd SQLite queue standing in for an unreachable broker."""
import fcntl
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

_SCHEMA = """CREATE TABLE IF NOT EXISTS spool (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, key TEXT, value BLOB NOT NULL)"""


class Spool:
    """Shared by every worker process on the host through one file; safe across threads."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "spool.db"
        self._local = threading.local()
        with self._connect() as conn:
            conn.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: every commit is fsync'd before append() returns, so an ack survives a crash.
            conn.execute("PRAGMA synchronous=FULL")
            self._local.conn = conn
        return conn

    def append(self, messages: list[tuple[str, str | None, bytes]]) -> None:
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT INTO spool (topic, key, value) VALUES (?, ?, ?)", messages)
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

    def remove_through(self, seq: int) -> None:
        self._connect().execute("DELETE FROM spool WHERE seq <= ?", (seq,))

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
