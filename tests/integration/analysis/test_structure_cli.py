"""`analysis-svc structure import FILE` and `structure migrate --organisation NAME` as a user runs
them (SQLite + PostgreSQL): the file's split and the migrated names read back through the API."""
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from analysis_svc.app import create_app
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import record, response

pytestmark = pytest.mark.integration
CLI = [sys.executable, "-m", "analysis_svc.entrypoints.cli"]
ADMIN = {"Authorization": "Bearer admin-secret"}
STRUCTURE = """
[[organisations]]
name = "North Council"
id = "north"
[[organisations.directorates]]
name = "North Adults"
valid_from = 2023-06-15
services = [{ name = "Care North" }]

[[organisations]]
name = "West Council"
[[organisations.directorates]]
name = "West Adults"
valid_from = 2023-06-15

[[aliases]]
name = "Adlts"
node = "North Adults"

[[reorganisations]]
kind = "split"
effective = 2023-06-15
sources = ["Adults"]
targets = ["North Adults", "West Adults"]
rule = { field = "service", cases = { "Care North" = "North Adults" }, default = "West Adults" }
"""


def run(args, db_url):
    environ = dict(os.environ, ANALYSIS_DATABASE_URL=db_url, ANALYSIS_MODEL_DIR="")
    return subprocess.run(CLI + args, capture_output=True, text=True, env=environ, timeout=300)


def test_migrate_then_import_a_split_and_read_it_as_now(make_services, db_url, tmp_path):
    services = make_services()
    handle_records(services, [record(response(
        directorate=name, service=service, submitted_at=datetime(2023, 5, 2, tzinfo=timezone.utc)))
        for name, service in [("Adults", "Care North"), ("Adults", "Care West"),
                              ("Adlts", "Care North")] for _ in range(5)])
    migrated = run(["structure", "migrate", "--organisation", "County Council"], db_url)
    assert migrated.returncode == 0, migrated.stderr
    assert "2 directorates now in County Council" in migrated.stdout  # Adults, Adlts
    # migrate made Adlts a node of its own: a node's own name wins over the file's alias
    path = tmp_path / "structure.toml"
    path.write_text(STRUCTURE, encoding="utf-8")
    imported = run(["structure", "import", str(path)], db_url)
    assert imported.returncode == 0, imported.stderr
    assert "2 organisations, 3 nodes, 1 aliases, 1 reorganisations" in imported.stdout
    client = create_app(services).test_client()
    now = client.get("/v1/totals", query_string={"view": "as_now", "from": "2023-01-01",
                                                  "to": "2023-12-31"}, headers=ADMIN).json
    assert {r["directorate"]: r["responses"] for r in now} == {
        "North Adults": 5, "West Adults": 5, "Adlts": 5}
    listed = client.get("/v1/organisations", headers=ADMIN).json
    assert [o["name"] for o in listed["organisations"]] == [
        "County Council", "North Council", "West Council"]
    assert [c["kind"] for c in listed["reorganisations"]] == ["split"]


def test_a_refused_file_imports_nothing(make_services, db_url, tmp_path):
    make_services()
    path = tmp_path / "bad.toml"
    path.write_text(STRUCTURE.replace(', default = "West Adults"', ""), encoding="utf-8")
    refused = run(["structure", "import", str(path)], db_url)
    assert refused.returncode != 0 and "Adults" in refused.stderr
    empty = run(["structure", "migrate", "--organisation", "County"], db_url)
    assert empty.returncode == 0 and "0 directorates" in empty.stdout
