"""`tokens create --organisation` as a user runs it: known ids only, alerts reach the partner."""
import os
import subprocess
import sys

import pytest

from chassis.testing import FakePublisher

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings

pytestmark = pytest.mark.integration
CLI = [sys.executable, "-m", "analysis_svc.entrypoints.cli"]


def run(args, db_url):
    environ = dict(os.environ, ANALYSIS_DATABASE_URL=db_url, ANALYSIS_MODEL_DIR="")
    return subprocess.run(CLI + args, capture_output=True, text=True, env=environ, timeout=300)


def test_an_organisation_token_is_made_for_a_known_organisation_only(db_url):
    services = build(Settings(database_url=db_url, admin_token="admin", model_dir=""),
                     publisher=FakePublisher())
    client = create_app(services).test_client()
    admin = {"Authorization": "Bearer admin"}
    assert client.post("/v1/organisations", json={"name": "North", "id": "north"},
                       headers=admin).status_code == 201
    assert client.post("/v1/nodes", json={"organisation": "north", "name": "North Adults"},
                       headers=admin).status_code == 201

    refused = run(["tokens", "create", "--organisation", "nort"], db_url)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        "error: no organisation with id nort (see GET /v1/organisations for the ids)"]

    made = run(["tokens", "create", "--organisation", "north", "--email", "bp@north.example"],
               db_url)
    assert made.returncode == 0, made.stderr
    partner = {"Authorization": f"Bearer {made.stdout.strip()}"}
    assert client.get("/v1/trends?directorate=North Adults", headers=partner).status_code == 200
    assert client.get("/v1/trends?directorate=Adults", headers=partner).status_code == 403
    assert client.get("/v1/organisations", headers=partner).status_code in (401, 403)
    assert "org:north" in run(["tokens", "list"], db_url).stdout
    assert services.tokens.emails_for("North Adults") == ["bp@north.example"]
    assert services.tokens.emails_for("Adults") == []
    services.close()
