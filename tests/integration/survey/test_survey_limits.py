"""The webhook and the admin API have rate limits: past them, 429 with Retry-After."""
from dataclasses import replace

import pytest

from survey_svc import bootstrap
from survey_svc.app import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
def limited(survey_settings, clock):
    bus = bootstrap.build(replace(survey_settings, webhook_rate_limit="2 per minute",
                                  admin_rate_limit="3 per minute"), clock=clock)
    yield create_app(bus).test_client()
    bus.close()


def test_the_webhook_past_its_limit_is_429_with_retry_after(limited, clock, signed,
                                                             ticket_payload):
    codes = []
    for n in range(3):
        body, headers = signed(ticket_payload(f"INC-L{n}", clock.now()))
        codes.append(limited.post("/v1/tickets/resolved", data=body, headers=headers))
    assert [r.status_code for r in codes] == [202, 202, 429]
    assert int(codes[2].headers["Retry-After"]) > 0 and codes[2].json["code"] == 429


def test_the_admin_api_past_its_limit_is_429_with_retry_after(limited, admin):
    codes = [limited.get("/v1/invitations?ticket_id=x", headers=admin) for _ in range(4)]
    assert [r.status_code for r in codes] == [200, 200, 200, 429]
    assert int(codes[3].headers["Retry-After"]) > 0 and codes[3].json["code"] == 429


def test_the_default_limits_take_an_itsm_burst(client, clock, signed, ticket_payload):
    for n in range(60):
        body, headers = signed(ticket_payload(f"INC-B{n}", clock.now()))
        assert client.post("/v1/tickets/resolved", data=body, headers=headers).status_code == 202
