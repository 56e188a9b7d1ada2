"""The webhook's signature covers a timestamp: a captured delivery cannot be replayed later,
a forged timestamp breaks it, and the body-only form works only when an operator allows it."""
import hashlib
import hmac
import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey_svc import bootstrap
from survey_svc.adapters.orm import decisions
from survey_svc.app import create_app

pytestmark = pytest.mark.integration
URL = "/v1/tickets/resolved"


def _decided(survey) -> int:
    with survey.sessions() as session:
        return session.scalar(select(func.count()).select_from(decisions))


def _body_only(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_captured_delivery_replayed_after_five_minutes_is_401(client, survey, clock, signed,
                                                                ticket_payload):
    body, headers = signed(ticket_payload("INC-REPLAY", clock.now()))
    assert client.post(URL, data=body, headers=headers).status_code == 202
    clock.advance(timedelta(minutes=5, seconds=1))
    replayed = client.post(URL, data=body, headers=headers)
    assert replayed.status_code == 401 and replayed.json["code"] == 401
    assert "X-Signature" in replayed.json["message"]


def test_a_signature_from_the_future_beyond_five_minutes_is_401(client, survey, clock, signed,
                                                                ticket_payload):
    body, headers = signed(ticket_payload("INC-EARLY", clock.now()),
                           at=clock.now() + timedelta(minutes=6))
    assert client.post(URL, data=body, headers=headers).status_code == 401
    assert _decided(survey) == 0


def test_a_forged_timestamp_is_401(client, survey, clock, signed, ticket_payload):
    body, headers = signed(ticket_payload("INC-FORGED", clock.now()),
                           at=clock.now() - timedelta(hours=1))
    captured_mac = headers["X-Signature"].split(",v1=")[1]
    fresh = f"t={int(clock.now().timestamp())},v1={captured_mac}"
    response = client.post(URL, data=body, headers={**headers, "X-Signature": fresh})
    assert response.status_code == 401
    assert _decided(survey) == 0


def test_the_body_only_signature_is_401_unless_an_operator_allows_it(
        client, survey, survey_settings, clock, ticket_payload):
    body = json.dumps(ticket_payload("INC-LEGACY", clock.now())).encode()
    headers = {"X-Signature": _body_only(survey_settings.webhook_secret, body),
               "Content-Type": "application/json"}
    assert not survey_settings.webhook_allow_body_only_signature  # off by default
    assert client.post(URL, data=body, headers=headers).status_code == 401
    assert _decided(survey) == 0

    legacy = bootstrap.build(replace(survey_settings, webhook_allow_body_only_signature=True),
                             clock=clock)
    try:
        allowed = create_app(legacy).test_client().post(URL, data=body, headers=headers)
        assert allowed.status_code == 202 and allowed.json["surveyed"]
    finally:
        legacy.close()
