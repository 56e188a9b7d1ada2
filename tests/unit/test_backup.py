"""chassis.backup's pieces that need no broker: SQLite copies, libpq URLs, tool lookup, manifests."""
import sqlite3

import pytest

from chassis import backup
from chassis.backup_cli import create_backup, read_manifest
from chassis.cli import CliError


def _db(path, rows):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
    conn.execute("DELETE FROM t")
    conn.executemany("INSERT INTO t VALUES (?)", [(n,) for n in rows])
    conn.commit()
    conn.close()


def _rows(path):
    conn = sqlite3.connect(path)
    try:
        return [n for (n,) in conn.execute("SELECT n FROM t ORDER BY n")]
    finally:
        conn.close()


def test_a_sqlite_database_round_trips_through_a_backup(tmp_path):
    _db(tmp_path / "live.db", [1, 2, 3])
    saved = backup.dump(f"sqlite:///{tmp_path / 'live.db'}", tmp_path / "bk")
    assert saved == {"kind": "sqlite", "file": "database.sqlite3", "alembic_revision": None}
    _db(tmp_path / "live.db", [9])  # changed after the backup
    backup.load(f"sqlite:///{tmp_path / 'live.db'}", tmp_path / "bk", saved)
    assert _rows(tmp_path / "live.db") == [1, 2, 3]


def test_a_backup_restores_only_into_the_same_kind_of_database(tmp_path):
    saved = {"kind": "postgresql", "file": "database.dump", "alembic_revision": "x"}
    with pytest.raises(backup.BackupError, match="holds a postgresql database"):
        backup.load(f"sqlite:///{tmp_path / 'a.db'}", tmp_path, saved)
    with pytest.raises(backup.BackupError, match="in-memory"):
        backup.dump("sqlite://", tmp_path / "bk")
    with pytest.raises(backup.BackupError, match="no database at"):
        backup.dump(f"sqlite:///{tmp_path / 'absent.db'}", tmp_path / "bk")


def test_the_password_goes_to_libpq_by_environment_not_the_command_line():
    uri, env = backup.libpq("postgresql+psycopg://svc:s3cret@db.example:5433/analysis?sslmode=require")
    assert uri == "postgresql://svc@db.example:5433/analysis?sslmode=require"
    assert env["PGPASSWORD"] == "s3cret"


def test_pg_tools_come_from_pg_bin_dir_when_set(monkeypatch, tmp_path):
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path))
    assert backup.pg_tool("pg_dump") == str(tmp_path / "pg_dump")


def test_a_folder_without_a_finished_manifest_is_not_a_backup(tmp_path):
    with pytest.raises(CliError, match="no backup folder"):
        read_manifest(tmp_path / "nowhere")
    with pytest.raises(CliError, match="has no manifest.json"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(CliError, match="not valid JSON"):
        read_manifest(tmp_path)


def test_a_backup_never_overwrites_another(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}")
    with pytest.raises(CliError, match="is not empty"):
        create_backup(tmp_path / "old", settings=None, groups=[])
