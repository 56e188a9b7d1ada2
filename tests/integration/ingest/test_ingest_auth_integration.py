"""A malformed or non-ASCII Authorization header is a wrong secret: 401 everywhere, never 500."""
import uuid

import pytest

from ingest_svc.app import create_app
from ingest_svc.bootstrap import build

pytestmark = pytest.mark.integration
BAD_HEADERS = [
    "Bearer phoné-token",                   # Latin-1 text
    "Bearer ph\u00c3\u00b6ne-token",        # UTF-8 bytes as a server decodes them (Latin-1)
    "Bearer ✓",                             # beyond Latin-1
    "Basic ö",                              # Werkzeug cannot base64-decode it
    "Basic !!!not-base64",
    "Bearer", "Bearer ", "Bearer phone-token extra", "Digest phone-token", "bearer",
]


@pytest.fixture
def client(db_url, kafka_bootstrap, make_settings):
    bus = build(make_settings(db_url, kafka_bootstrap, admin_token="admin-token"))
    yield create_app(bus).test_client()
    bus.close()


def reply() -> bytes:
    return (f"From: a@example.org\r\nTo: survey+{uuid.uuid4().hex}@replies.localhost\r\n"
            "Subject: Re: survey\r\n\r\n4").encode()


def test_malformed_authorization_is_401_on_every_channel(client):
    for header in BAD_HEADERS:
        auth = {"Authorization": header}
        api = client.post("/v1/responses", json={"score": 4, "directorate": "A"}, headers=auth)
        batch = client.post("/v1/responses/batch", data=b'{"score": 4, "directorate": "A"}',
                            headers=auth, content_type="application/x-ndjson")
        inbound = client.post("/v1/inbound-email", data=reply(), content_type="message/rfc822",
                              headers=auth)
        review = client.get("/v1/inbound-email/unmatched", headers=auth)
        statuses = [r.status_code for r in (api, batch, inbound, review)]
        assert statuses == [401] * 4, header
        assert api.json["code"] == 401 and review.json["code"] == 401


def test_the_right_secrets_still_pass(client):
    api = client.post("/v1/responses", json={"score": 4, "directorate": "A"},
                      headers={"Authorization": "bearer phone-token"})
    inbound = client.post("/v1/inbound-email", data=reply(), content_type="message/rfc822",
                          auth=("any-user", "inbound-token"))
    review = client.get("/v1/inbound-email/unmatched", headers={"Authorization": "Bearer admin-token"})
    assert (api.status_code, inbound.status_code, review.status_code) == (202, 202, 200)
    assert inbound.json["status"] == "kept_for_review"
