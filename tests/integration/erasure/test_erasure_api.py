"""survey-svc's erasure API and CLI: admin only, exactly one of email and requester_id, the
one error shape, documented in the OpenAPI document."""
import json

import pytest

from chassis.tokens import generate_keypair
from survey_svc import bootstrap
from survey_svc.app import create_app
from survey_svc.config import Settings

pytestmark = pytest.mark.integration
KEYS = generate_keypair()
ADMIN = {"Authorization": "Bearer admin-token"}


@pytest.fixture
def client(db_url):
    bus = bootstrap.build(Settings(webhook_secret="w", admin_token="admin-token",
                                   reply_tag_key="r", signing_key=KEYS[0], database_url=db_url))
    yield create_app(bus).test_client()
    bus.close()


@pytest.mark.parametrize("body, field", [
    ({}, "_schema"), ({"email": "a@example.org", "requester_id": "p1"}, "_schema"),
    ({"email": "not an address"}, "email"), ({"requester_id": ""}, "requester_id"),
    ({"requester_id": "p1\n"}, "requester_id"), ({"email": "a@example.org", "name": "x"}, "name")])
def test_a_request_names_exactly_one_person_or_is_refused(client, body, field):
    response = client.post("/v1/erasure-requests", json=body, headers=ADMIN)
    assert response.status_code == 400
    assert response.json["code"] == 400 and field in response.json["errors"]["json"]


def test_only_an_admin_may_ask_or_look(client):
    assert client.post("/v1/erasure-requests", json={"email": "a@example.org"}).status_code == 401
    assert client.get("/v1/erasure-requests/x", headers={
        "Authorization": "Bearer wrong"}).status_code == 401
    refused = client.post("/v1/erasure-requests", data="email=a@example.org", headers=ADMIN)
    assert refused.status_code == 415


def test_a_request_is_taken_and_shown(client):
    taken = client.post("/v1/erasure-requests", json={"requester_id": "p-1"},
                        headers={**ADMIN, "X-Actor": "dpo"})
    assert taken.status_code == 202 and taken.json["requested_by"] == "dpo"
    shown = client.get(taken.headers["Location"], headers=ADMIN)
    assert shown.status_code == 200 and shown.json["status"] == "pending"
    assert set(shown.json["services"]) == {"survey-svc", "ingest-svc", "analysis-svc"}
    entries = client.get("/v1/access-audit", headers=ADMIN).json["items"]
    assert {(e["action"], e["target"]) for e in entries} >= {
        ("erasure.request", f"erasure:{taken.json['id']}"),
        ("erasure.status", f"erasure:{taken.json['id']}")}
    assert "p-1" not in str(entries)
    missing = client.get("/v1/erasure-requests/no-such-request", headers=ADMIN)
    assert missing.status_code == 404 and missing.json["message"] == "No such erasure request."


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_endpoints_are_documented(client):
    paths = client.get("/openapi.json").json["paths"]
    post = paths["/v1/erasure-requests"]["post"]
    assert post["summary"] and "Location" in post["responses"]["202"]["headers"]
    assert paths["/v1/erasure-requests/{request_id}"]["get"]["summary"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_cli_asks_and_shows(db_url, kafka_bootstrap, monkeypatch, capsys, tmp_path):
    from chassis.cli import run_cli
    from survey_svc.entrypoints.cli import cli
    for name, value in {"WEBHOOK_SECRET": "w", "ADMIN_TOKEN": "a", "REPLY_TAG_KEY": "r",
                        "SURVEY_SIGNING_KEY": KEYS[0], "SURVEY_DATABASE_URL": db_url,
                        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
                        "PRIVACY_MASTER_KEY": "m" * 32,
                        "PRIVACY_VAULT_URL": f"sqlite:///{tmp_path / 'vault.db'}"}.items():
        monkeypatch.setenv(name, value)
    assert run_cli(cli, ["erasure", "request", "--email", "pat@example.org"]) == 0
    taken = json.loads(capsys.readouterr().out)
    assert taken["created"] and taken["requested_by"] == "cli:cli"
    assert run_cli(cli, ["erasure", "status", taken["id"]]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "pending" and shown["services"]["survey-svc"]["status"] == "completed"
    assert run_cli(cli, ["erasure", "request", "--email", "a@x.org", "--requester-id", "p"]) != 0
    assert "exactly one" in capsys.readouterr().err
    assert run_cli(cli, ["erasure", "status", "nope"]) != 0
