"""chassis.db.migrate on PostgreSQL: replicas starting at once take turns under an advisory lock
(`--scale analysis-svc=3` must not run three Alembic upgrades into one another); `<svc> db upgrade`
migrates alone, as compose's one-shot migrate services do."""
import importlib
import multiprocessing
import os
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from chassis.db import make_engine, migrate, migration_lock_key
from devkit.secrets import dev_secrets

from analysis_svc.bootstrap import MIGRATIONS

REPLICAS = 4


def _head(migrations: Path = MIGRATIONS) -> str:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    return ScriptDirectory.from_config(config).get_current_head()


def _replica(url: str, barrier, _n: int) -> str:
    """One replica's start: wait for the others, then migrate (a process of its own)."""
    barrier.wait(30)
    migrate(url, MIGRATIONS)
    return "migrated"


def _version(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_replicas_migrating_a_fresh_database_at_once_end_at_head(backend, request, tmp_path):
    """On SQLite too: `make run` starts a web server and its worker on one new file at once."""
    url = (request.getfixturevalue("postgres_url_factory")("migrate") if backend == "postgresql"
           else f"sqlite:///{tmp_path / 'analysis.db'}")
    context = multiprocessing.get_context("fork")  # as the vault test: each replica its own process
    with context.Manager() as manager:
        barrier = manager.Barrier(REPLICAS)
        with context.Pool(REPLICAS) as pool:
            results = pool.map(partial(_replica, url, barrier), range(REPLICAS))
    assert results == ["migrated"] * REPLICAS
    assert _version(url) == [_head()]


def test_migrate_waits_while_another_process_holds_the_lock(postgres_url_factory, wait_for):
    url = postgres_url_factory("migrate")
    holder = make_engine(url)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            migrate(url, MIGRATIONS)
        except BaseException as err:  # reported by the assertion below
            errors.append(err)

    key = migration_lock_key(MIGRATIONS)
    with holder.connect() as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": key})
        conn.commit()
        migrating = threading.Thread(target=run, daemon=True)
        migrating.start()
        unsigned = key & 0xFFFFFFFFFFFFFFFF  # pg_locks shows a bigint key as two oids
        waiting = sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                          " AND classid::text = :hi AND objid::text = :lo AND objsubid = 1")
        halves = {"hi": str(unsigned >> 32), "lo": str(unsigned & 0xFFFFFFFF)}
        wait_for(lambda: conn.execute(waiting, halves).scalar_one() == 1,
                 timeout=30, message="a second migrate waiting on the advisory lock")
        assert not sa.inspect(holder).has_table("alembic_version")
        conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        conn.commit()
    migrating.join(60)
    holder.dispose()
    assert not migrating.is_alive() and errors == []
    assert _version(url) == [_head()]


@pytest.mark.parametrize("service", ["survey", "ingest", "analysis"])
def test_db_upgrade_migrates_the_database_and_the_vault_then_exits(service, postgres_url_factory,
                                                                   tmp_path, monkeypatch):
    url, vault = postgres_url_factory(service), postgres_url_factory("vault")
    monkeypatch.setenv("SUITE_ROOT", str(tmp_path))  # dev secrets and keys land in tmp_path
    env = {**os.environ, **dev_secrets({}), f"{service.upper()}_DATABASE_URL": url,
           "PRIVACY_VAULT_URL": vault}
    done = subprocess.run([str(Path(sys.executable).parent / f"{service}-svc"), "db", "upgrade"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    migrations = importlib.import_module(f"{service}_svc.bootstrap").MIGRATIONS
    assert _version(url) == [_head(migrations)]
    assert sa.inspect(make_engine(vault)).get_table_names()  # the vault's tables exist
