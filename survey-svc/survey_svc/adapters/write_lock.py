"""SQLite's one writer, queued for rather than slept for.

When two commits overlap, SQLite's busy handler sleeps the loser 1 ms, then 2, 5, 10...
With several sender threads or processes on one file that was most mails. Threads queue on
a lock, processes on an flock of a file beside the database: both wake the moment it frees.
"""
import fcntl
import os
import threading
from contextlib import nullcontext

from sqlalchemy.engine import Engine


class WriteLock:
    def __init__(self, path: str):
        self.path, self.fd, self.threads = path, None, threading.Lock()

    def __enter__(self):
        self.threads.acquire()
        try:
            if self.fd is None:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            self.threads.release()
            raise

    def __exit__(self, *exc):
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.threads.release()


def write_lock_for(engine: Engine):
    """A WriteLock for an SQLite file, a thread lock for SQLite in memory, else nothing."""
    if engine.dialect.name != "sqlite":
        return nullcontext()  # PostgreSQL locks rows, and wakes a waiter at once
    database = engine.url.database
    if not database or database == ":memory:":
        return threading.Lock()
    return WriteLock(f"{database}.write-lock")
