"""Push: each service desk's documented payload, with the authentication it can produce, through
the Flask app, into the same handler as our signed webhook (SQLite and PostgreSQL, real broker)."""
import base64
import json
from pathlib import Path

import pytest

from chassis.auth import hmac_sha256, sign_webhook
from chassis.kafka import KafkaPublisher
from chassis.outbox import OutboxRelay
from contracts import topics
from devkit.testing import wait_for
from survey_svc import bootstrap
from survey_svc.app import create_app
from survey_svc.connectors.sources import load_push_sources

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "itsm"
SECRET = "push-s3cret"
SOURCES = f"""
[push.servicenow]
mapping = "servicenow"
auth = "basic"
username = "survey-push"
secret_env = "PUSH_SECRET"
[push.jsm]
mapping = "jira"
auth = "header"
header = "X-Automation-Secret"
secret_env = "PUSH_SECRET"
[push.freshservice]
mapping = "freshservice"
auth = "basic"
username = "freshservice"
secret_env = "PUSH_SECRET"
[push.glpi]
mapping = "glpi"
auth = "glpi"
secret_env = "PUSH_SECRET"
[push.rt]
mapping = "rt"
auth = "signed"
secret_env = "PUSH_SECRET"
"""


@pytest.fixture
def pushed(survey_settings, clock, tmp_path):
    """(bus, client) with the five push sources configured."""
    path = tmp_path / "connectors.toml"
    path.write_text(SOURCES)
    bus = bootstrap.build(survey_settings, clock=clock,
                          push_sources=load_push_sources(str(path), {"PUSH_SECRET": SECRET}))
    yield bus, create_app(bus).test_client()
    bus.close()


def _payload(vendor: str, ticket_id: str) -> dict:
    """The vendor's documented payload with a ticket id of this test's own."""
    name = {"servicenow": "incident_resolved", "jsm": "automation_jira_format",
            "freshservice": "ticket_resolved", "glpi": "webhook_ticket_solved",
            "rt": "ticket_resolved"}[vendor]
    data = json.loads((FIXTURES / {"jsm": "jira"}.get(vendor, vendor) / f"{name}.json").read_text())
    record = {"servicenow": lambda d: d["result"], "jsm": lambda d: d["issue"],
              "freshservice": lambda d: d["ticket"], "glpi": lambda d: d["item"],
              "rt": lambda d: d}[vendor](data)
    record[{"servicenow": "number", "jsm": "key"}.get(vendor, "id")] = ticket_id
    return data


def _auth(vendor: str, body: bytes, now: float, secret: str = SECRET) -> dict:
    basic = lambda user: "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()  # noqa: E731
    stamp = str(int(now))
    return {
        "servicenow": {"Authorization": basic("survey-push")},
        "jsm": {"X-Automation-Secret": secret},
        "freshservice": {"Authorization": basic("freshservice")},
        "glpi": {"X-GLPI-signature": hmac_sha256(secret, body + stamp.encode()),
                 "X-GLPI-timestamp": stamp},
        "rt": {"X-Signature": sign_webhook(secret, body, int(now))},
    }[vendor] | {"Content-Type": "application/json"}


def _post(client, clock, vendor: str, payload, secret: str = SECRET, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    return client.post(f"/v1/tickets/resolved/{vendor}", data=body,
                       headers=_auth(vendor, body, clock.now().timestamp(), secret))


@pytest.mark.parametrize("vendor", ["servicenow", "jsm", "freshservice", "glpi", "rt"])
def test_each_tool_pushes_its_documented_payload_once(pushed, clock, unique, admin, vendor):
    bus, client = pushed
    ticket_id = f"P{unique}"
    first = _post(client, clock, vendor, _payload(vendor, ticket_id))
    again = _post(client, clock, vendor, _payload(vendor, ticket_id))
    assert first.status_code == 202, first.json
    assert (first.json["source"], first.json["ticket_id"], first.json["surveyed"]) == (
        vendor, ticket_id, True)
    assert again.status_code == 202 and again.json["duplicate"]
    [row] = client.get(f"/v1/invitations?ticket_id={ticket_id}", headers=admin).json
    assert row["id"] == first.json["invitation_id"] and row["status"] == "pending"


def test_the_invitation_reaches_the_broker(pushed, clock, unique, kafka_bootstrap, tail):
    bus, client = pushed
    lifecycle = tail(topics.SURVEYS_LIFECYCLE)
    invitation_id = _post(client, clock, "jsm", _payload("jsm", f"J{unique}")).json[
        "invitation_id"]
    publisher = KafkaPublisher(kafka_bootstrap, "survey-test")
    try:
        assert OutboxRelay(bus.sessions, publisher).relay() >= 1
    finally:
        publisher.close()
    mine = lambda: [e for e in lifecycle.poll() if e.data["invitation_id"] == invitation_id]  # noqa: E731
    [created] = wait_for(mine, 20)
    assert created.event_type == "invitation.created"
    assert created.data["requester_id"] == "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077"


@pytest.mark.parametrize("vendor", ["servicenow", "jsm", "glpi", "rt"])
def test_a_wrong_secret_is_401_and_nothing_is_kept(pushed, clock, unique, admin, vendor):
    _, client = pushed
    answer = _post(client, clock, vendor, _payload(vendor, f"W{unique}"), secret="guess")
    assert answer.status_code == 401
    assert answer.json["code"] == 401 and "credentials" in answer.json["message"]
    assert client.get(f"/v1/invitations?ticket_id=W{unique}", headers=admin).json == []


def test_an_unknown_payload_shape_is_422_naming_the_field(pushed, clock):
    _, client = pushed
    answer = _post(client, clock, "servicenow", {"event": "something else"})
    assert answer.status_code == 422
    assert answer.json["errors"] == {
        "ticket_id": ["missing from the payload (expression 'number')"]}
    assert "ticket_id" in answer.json["message"]


def test_a_mapped_field_missing_from_the_payload_is_422_naming_it(pushed, clock, unique):
    _, client = pushed
    payload = _payload("servicenow", f"M{unique}")
    del payload["result"]["resolved_at"]
    answer = _post(client, clock, "servicenow", payload)
    assert answer.status_code == 422
    assert answer.json["errors"] == {
        "resolved_at": ["missing from the payload (expression 'resolved_at')"]}


def test_a_body_that_is_not_json_is_422(pushed, clock):
    _, client = pushed
    answer = _post(client, clock, "jsm", None, raw=b"<xml/>")
    assert answer.status_code == 422 and answer.json["errors"] == {"payload": ["not JSON"]}


def test_an_unknown_source_is_404(pushed):
    _, client = pushed
    answer = client.post("/v1/tickets/resolved/zendesk", json={})
    assert answer.status_code == 404 and "zendesk" in answer.json["message"]


def test_a_ticket_without_email_is_answered_and_remembered(pushed, clock, unique, admin):
    _, client = pushed
    payload = _payload("freshservice", f"{unique}")
    del payload["ticket"]["requester"]
    first = _post(client, clock, "freshservice", payload)
    again = _post(client, clock, "freshservice", payload)
    assert first.status_code == 202
    assert (first.json["surveyed"], first.json["reason"]) == (False, "no_email")
    assert again.json["duplicate"]  # the decision was kept: nothing lost, nothing repeated


def test_a_ticket_not_yet_resolved_is_skipped_then_taken_when_resolved(pushed, clock, unique,
                                                                       admin):
    _, client = pushed
    payload = _payload("glpi", f"{unique}")
    payload["item"]["status"] = {"id": 2, "name": "Processing (assigned)"}
    skipped = _post(client, clock, "glpi", payload)
    assert skipped.status_code == 202 and skipped.json["reason"] == "not_resolved"
    payload["item"]["status"] = {"id": 5, "name": "Solved"}
    assert _post(client, clock, "glpi", payload).json["surveyed"]


def test_the_same_person_from_two_tools_is_surveyed_once(pushed, clock, unique):
    _, client = pushed
    sn = _payload("servicenow", f"S{unique}")
    sn["result"]["caller_id.email"] = f"ann.{unique}+council@example.org"
    jsm = _payload("jsm", f"J{unique}")
    jsm["issue"]["fields"]["reporter"]["emailAddress"] = f"Ann.{unique}@Example.org"
    assert _post(client, clock, "servicenow", sn).json["surveyed"]
    second = _post(client, clock, "jsm", jsm).json
    assert (second["surveyed"], second["reason"]) == (False, "throttled")


def test_the_push_route_is_in_the_openapi_document(pushed):
    _, client = pushed
    spec = client.get("/openapi.json").json
    post = spec["paths"]["/v1/tickets/resolved/{source}"]["post"]
    assert {"202", "401", "404", "422"} <= set(post["responses"])
    assert "/v1/tickets/resolved" in spec["paths"]  # our own signed format, unchanged
