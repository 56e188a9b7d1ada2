"""Engines, sessions, Alembic migrations and a UTC timestamp type, the same for SQLite and PostgreSQL."""
import fcntl
import hashlib
from contextlib import contextmanager
from datetime import timezone
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes on both databases (SQLite hands back naive ones); naive input is UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=timezone.utc)


def make_engine(url: str, **kwargs) -> Engine:
    """An engine whose errors and logs never show bound values (comments, email addresses)."""
    kwargs["hide_parameters"] = True  # not a default a caller can drop: every engine hides them
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, future=True, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, connect_args={"check_same_thread": False,
                                                           "timeout": 30}, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    if dbapi_connection.execute("PRAGMA database_list").fetchone()[2]:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


def migrate(url: str, script_location: str | Path, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`; safe at every start, and from replicas
    starting at once (on PostgreSQL they take turns under an advisory lock)."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    with _migration_lock(url, script_location):
        command.upgrade(config, revision)


@contextmanager
def _file_lock(database: str | None):
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    path = Path(f"{database}.migrate-lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migration_lock_key(script_location: str | Path) -> int:
    """A signed 64-bit advisory-lock key for a migration script folder.

    From the folder's last three path parts (e.g. analysis_svc/adapters/migrations), not its
    absolute path: a venv and an image install the same service under different prefixes.
    """
    name = "/".join(Path(script_location).parts[-3:])
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def _migration_lock(url: str, script_location: str | Path):
    """On PostgreSQL, hold a session advisory lock (its own connection) while Alembic runs; on a
    SQLite file, an exclusive lock on a file beside it (`make run` starts a service's web
    server and its worker at once, both migrating the same new file)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with _file_lock(parsed.database):
            yield
        return
    if parsed.get_backend_name() != "postgresql":
        yield
        return
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            key = migration_lock_key(script_location)
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()  # nothing to keep open but the session lock
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
    finally:
        engine.dispose()


def check_database(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
