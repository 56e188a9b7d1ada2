"""A service's database copied to and from a backup folder: SQLite with its online backup API
(consistent while the service writes), PostgreSQL with pg_dump -Fc / pg_restore from the
server's own bin directory; and the Alembic revision the copy is at."""
import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from chassis.db import make_engine

SQLITE_FILE = "database.sqlite3"
DUMP_FILE = "database.dump"


class BackupError(RuntimeError):
    """A backup or restore step failed; the message is one line for the operator."""


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: PG_BIN_DIR's, else the newest /usr/lib/postgresql/<v>/bin's
    (Debian puts neither on the PATH), else the PATH's."""
    if os.environ.get("PG_BIN_DIR"):
        return str(Path(os.environ["PG_BIN_DIR"]) / name)
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return found[-1]
    if on_path := shutil.which(name):
        return on_path
    raise BackupError(f"{name} not found: install the PostgreSQL client or set PG_BIN_DIR")


def kind_of(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {backend} database")
    return backend


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(database)


def libpq(url: str) -> tuple[str, dict]:
    """The libpq URI (no driver, no password) and the environment carrying the password,
    which stays off the command line (`ps` shows it to everyone)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    bare = URL.create("postgresql", parsed.username, None, parsed.host, parsed.port,
                      parsed.database, parsed.query)
    return bare.render_as_string(hide_password=False), env


def alembic_revision(url: str) -> str | None:
    """The revision the database is at (None: never migrated)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def _run(argv: list[str], env: dict) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{Path(argv[0]).name} failed: {last}")


def sqlite_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def dump(url: str, folder: Path) -> dict:
    """Copy the database at `url` into `folder`; what the manifest records about it."""
    kind = kind_of(url)
    if kind == "sqlite" and not sqlite_path(url).exists():  # before connecting creates it
        raise BackupError(f"no database at {sqlite_path(url)}")
    folder.mkdir(parents=True, exist_ok=True)
    revision = alembic_revision(url)
    if kind == "sqlite":
        sqlite_copy(sqlite_path(url), folder / SQLITE_FILE)
        name = SQLITE_FILE
    else:
        uri, env = libpq(url)
        _run([pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f",
              str(folder / DUMP_FILE), "--dbname", uri], env)
        name = DUMP_FILE
    return {"kind": kind, "file": name, "alembic_revision": revision}


def load(url: str, folder: Path, saved: dict) -> None:
    """Replace the database at `url` with the copy in `folder` (the kind must match)."""
    kind = kind_of(url)
    if kind != saved["kind"]:
        raise BackupError(f"the backup holds a {saved['kind']} database; the target is {kind}")
    source = folder / saved["file"]
    if not source.exists():
        raise BackupError(f"{source} is missing")
    if kind == "sqlite":
        sqlite_copy(source, sqlite_path(url))
        return
    uri, env = libpq(url)
    # One transaction: a failed restore leaves the database as it was.
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", "--dbname", uri, str(source)], env)
