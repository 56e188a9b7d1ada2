"""Bad input is refused whole: the right 4xx, field messages, nothing half-written."""
import json

import pytest
from sqlalchemy import func, select

from survey_svc.adapters.orm import decisions, invitations

pytestmark = pytest.mark.integration


def _rows(survey) -> int:
    with survey.sessions() as session:
        return sum(session.scalar(select(func.count()).select_from(t))
                   for t in (invitations, decisions))


def test_unsigned_or_wrongly_signed_webhook_is_401(client, survey, clock, signed, ticket_payload):
    body, headers = signed(ticket_payload("INC-1", clock.now()))
    unsigned = client.post("/v1/tickets/resolved", data=body,
                           headers={"Content-Type": "application/json"})
    wrong = client.post("/v1/tickets/resolved", data=body,
                        headers={**headers, "X-Signature": "sha256=" + "0" * 64})
    tampered = client.post("/v1/tickets/resolved", data=body.replace(b"INC-1", b"INC-2"),
                           headers=headers)
    assert [r.status_code for r in (unsigned, wrong, tampered)] == [401, 401, 401]
    assert unsigned.json["message"] and unsigned.json["code"] == 401
    assert _rows(survey) == 0


def test_malformed_payload_is_400_with_field_messages(client, survey, clock, signed,
                                                      ticket_payload):
    payload = {**ticket_payload("INC-1", clock.now()), "resolution": "two",
               "resolved_at": "yesterday"}
    payload["requester"] = {"email": "not-an-email"}
    del payload["directorate"]
    response = client.post("/v1/tickets/resolved", **_kw(signed(payload)))
    assert response.status_code == 400
    fields = response.json["errors"]["json"]
    assert {"resolution", "resolved_at", "directorate", "requester"} <= set(fields)
    assert {"id", "email"} <= set(fields["requester"])
    not_json = client.post("/v1/tickets/resolved", **_kw(signed(b"{not json")))
    assert not_json.status_code == 400
    assert _rows(survey) == 0


def test_ten_megabyte_body_is_413(client, survey, signed):
    body, headers = signed(json.dumps({"pad": "x" * 10 * 1024 * 1024}).encode())
    response = client.post("/v1/tickets/resolved", data=body, headers=headers)
    assert response.status_code == 413 and response.json["code"] == 413
    assert _rows(survey) == 0


def test_admin_api_needs_the_token(client):
    assert client.get("/v1/invitations?ticket_id=x").status_code == 401
    assert client.get("/v1/invitations?ticket_id=x",
                      headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_non_ascii_or_malformed_authorization_is_401_not_500(client, admin):
    for header in ("Bearer tëst-admin-tøken", "Bearer \udcff", "Basic", "Bearer", "bearer  "):
        response = client.get("/v1/invitations?ticket_id=x", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json["code"] == 401
    token = admin["Authorization"].split()[1]
    assert client.get("/v1/invitations?ticket_id=x",
                      headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_non_ascii_signature_is_401_not_500(client, survey, clock, signed, ticket_payload):
    body, headers = signed(ticket_payload("INC-1", clock.now()))
    for signature in ("sha256=ünïcode", "sha256=" + "é" * 64, "\udcff"):
        response = client.post("/v1/tickets/resolved", data=body,
                               headers={**headers, "X-Signature": signature})
        assert response.status_code == 401, signature
        assert response.json["code"] == 401
    assert _rows(survey) == 0


def test_invalid_policy_is_400_or_409_and_not_stored(client, admin):
    bad = client.put("/v1/policies/Adults", json={"sampling_rate": 150, "expiry_days": 0},
                     headers=admin)
    assert bad.status_code == 400 and {"sampling_rate", "expiry_days"} <= set(
        bad.json["errors"]["json"])
    conflict = client.put("/v1/policies/Adults", json={"reminder_days": 20}, headers=admin)
    assert conflict.status_code == 409 and "reminder_days" in conflict.json["errors"]["json"]
    assert client.get("/v1/policies/Adults/audit", headers=admin).json == []


def _kw(signed_pair) -> dict:
    body, headers = signed_pair
    return {"data": body, "headers": headers}


@pytest.mark.parametrize("where, value", [
    (("directorate",), "Adults\r\nBcc: x@example.org"),
    (("team",), "Desk\n"),
    (("service",), "Email\u2028"),
    (("requester", "name"), "Pat\x1b[2J"),
    (("ticket_id",), "INC-1\r\n"),
])
def test_control_characters_in_a_name_are_400_naming_the_field(
        client, survey, clock, signed, ticket_payload, where, value):
    payload = ticket_payload("INC-CTRL", clock.now())
    target = payload
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    response = client.post("/v1/tickets/resolved", **_kw(signed(payload)))
    assert response.status_code == 400
    errors = response.json["errors"]["json"]
    for key in where:
        errors = errors[key]
    assert "control characters" in errors[0]
    assert _rows(survey) == 0


def test_admin_names_with_control_characters_are_400_naming_the_field(client, admin):
    path = client.get("/v1/policies/Adults%0D%0AX", headers=admin)
    assert path.status_code == 400 and "directorate" in path.json["errors"]["path"]
    body = client.put("/v1/policies/Adults", json={"excluded_categories": ["Pass\nword"]},
                      headers=admin)
    assert body.status_code == 400 and "excluded_categories" in body.json["errors"]["json"]
    actor = client.put("/v1/policies/Adults", json={}, headers={**admin, "X-Actor": "jo\x1b"})
    assert actor.status_code == 400 and "X-Actor" in actor.json["errors"]["headers"]
    query = client.get("/v1/stats?directorate=A%0AB", headers=admin)
    assert query.status_code == 400 and "directorate" in query.json["errors"]["query"]
    assert client.delete("/v1/opt-outs/" + "u" * 201, headers=admin).status_code == 400
    assert client.get("/v1/policies/Adults/audit", headers=admin).json == []


def test_admin_api_refuses_what_its_document_does_not_allow(client, admin):
    unknown = client.get("/v1/stats?sinse=2026-01-01T00:00:00Z", headers=admin)
    assert unknown.status_code == 400 and "sinse" in unknown.json["errors"]["query"]
    not_json = client.put("/v1/policies/Adults", data="sampling_rate=5", headers=admin)
    assert not_json.status_code == 415 and not_json.json["code"] == 415
    truthy = client.put("/v1/policies/Adults", json={"exclude_auto_closed": 0}, headers=admin)
    assert truthy.status_code == 400
    whole = client.put("/v1/policies/Adults", json={"throttle_days": 7.0}, headers=admin)
    assert whole.status_code == 200 and whole.json["effective"]["throttle_days"] == 7
