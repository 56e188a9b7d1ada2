"""infra/postgres/init-databases.sql, run as compose's postgres image runs it, on a private server:
each service's own role owns its database, migrates it without the superuser, reaches no other."""
import os
import subprocess
from importlib import import_module

import psycopg
import pytest
from sqlalchemy.engine import make_url

from chassis.db import migrate
from chassis.privacy.vault import migrate_vault
from devkit import repo_root
from devkit.postgres import Postgres, bin_dir
from devkit.procs import free_port

INIT_SQL = repo_root() / "infra" / "postgres" / "init-databases.sql"
SERVICES = ("survey", "ingest", "analysis")
PASSWORDS = {f"{name.upper()}_DB_PASSWORD": f"{name}-check-only" for name in (*SERVICES, "vault")}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A private PostgreSQL (the roles are cluster-wide: not on the shared test server)."""
    pg = Postgres(port=free_port(), data_dir=tmp_path_factory.mktemp("roles-pg")).start()
    done = subprocess.run([str(bin_dir() / "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-f", str(INIT_SQL),
                           pg.dsn()], env={**os.environ, **PASSWORDS}, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    yield pg
    pg.stop()


def as_role(pg: Postgres, role: str, database: str) -> str:
    return str(make_url(pg.url(database)).set(username=role, password=f"{role}-check-only"))


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_migrates_its_own_database_as_its_own_role(server, service):
    migrate(as_role(server, service, service), import_module(f"{service}_svc.bootstrap").MIGRATIONS)
    with psycopg.connect(as_role(server, service, service).replace("+psycopg", "")) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
        super_user, create_db, create_role = conn.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert (super_user, create_db, create_role) == (False, False, False)


def test_the_vault_role_migrates_the_shared_vault(server):
    migrate_vault(as_role(server, "vault", "vault"))


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_role_reaches_another_database(server, service):
    for other in {*SERVICES, "vault"} - {service}:
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            psycopg.connect(as_role(server, service, other).replace("+psycopg", "")).close()
