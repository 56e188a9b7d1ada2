"""A private PostgreSQL server run as the `postgres` OS user, trust auth on 127.0.0.1."""
import glob
import os
import shutil
import subprocess
from pathlib import Path

from devkit import repo_root


class PostgresError(RuntimeError):
    pass


def bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin (PG_BIN_DIR overrides)."""
    if os.environ.get("PG_BIN_DIR"):
        return Path(os.environ["PG_BIN_DIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise PostgresError("PostgreSQL is not installed: run `make system-deps`")
    return Path(found[-1]).parent


class Postgres:
    def __init__(self, port: int = 55432, data_dir: Path | None = None, user: str = "postgres"):
        self.port = port
        self.data_dir = Path(data_dir or repo_root() / "var" / "dev-pg").resolve()
        self.user = user

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "data"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def dsn(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def _as_owner(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(bin_dir() / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        if check and result.returncode != 0:
            raise PostgresError(f"{args[0]} failed: {result.stdout}{result.stderr}")
        return result

    def _prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.data_dir, self.user, self.user)
            _allow_traverse(self.data_dir)
        if not (self.pgdata / "PG_VERSION").exists():
            if self.pgdata.exists():
                shutil.rmtree(self.pgdata)  # a half-done initdb from an earlier crash
            self._as_owner("initdb", "-D", str(self.pgdata), "-U", "postgres", "--auth=trust",
                           "-E", "UTF8", "--no-sync", "--locale=C.UTF-8")

    def is_running(self) -> bool:
        if not (self.pgdata / "PG_VERSION").exists():
            return False
        return self._as_owner("pg_ctl", "-D", str(self.pgdata), "status", check=False).returncode == 0

    def start(self, timeout: int = 60) -> "Postgres":
        self._prepare()
        if self.is_running():
            return self
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        self._as_owner("pg_ctl", "-D", str(self.pgdata), "-l", str(self.data_dir / "postgres.log"),
                       "-o", options, "-w", "-t", str(timeout), "start", timeout=timeout + 10)
        return self

    def stop(self) -> None:
        if self.is_running():
            self._as_owner("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> str:
        """Create the database unless it exists; return its SQLAlchemy URL."""
        import psycopg
        from psycopg import sql
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _allow_traverse(path: Path) -> None:
    """The postgres user must reach its data dir through our (root-owned) parents."""
    for parent in path.parents:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        if not mode & 0o001:
            os.chmod(parent, mode | 0o001)
