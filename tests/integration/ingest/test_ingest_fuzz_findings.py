"""What schemathesis found in ingest-svc's doors, each pinned: no 500, documented shapes."""
import pytest

from ingest_svc.app import create_app
from ingest_svc.bootstrap import build

pytestmark = pytest.mark.integration
PHONE = {"Authorization": "Bearer phone-token"}


def test_huge_review_cursor_or_unknown_parameter_is_a_400_not_a_500(db_url, kafka_bootstrap, make_settings):
    bus = build(make_settings(db_url, kafka_bootstrap, admin_token="admin-token"))
    try:
        client, admin = create_app(bus).test_client(), {"Authorization": "Bearer admin-token"}
        for query in ("cursor=212998433725866820571615985664", "cursor=1&sort=x"):
            assert client.get(f"/v1/inbound-email/unmatched?{query}", headers=admin).status_code == 400
        assert client.get("/v1/inbound-email/unmatched?cursor=9", headers=admin).status_code == 200
    finally:
        bus.close()


def test_integral_float_score_is_an_integer_and_half_is_refused(app_env):
    client = app_env[0].test_client()
    answer = {"directorate": "Place"}
    assert client.post("/v1/responses", json={**answer, "score": 4.0}, headers=PHONE).status_code == 202
    assert client.post("/v1/responses", json={**answer, "score": 4.5}, headers=PHONE).status_code == 400


def test_empty_batch_is_a_400(app_env):
    client = app_env[0].test_client()
    for body in (b"", b"\n  \n"):
        response = client.post("/v1/responses/batch", data=body, headers=PHONE,
                               content_type="application/x-ndjson")
        assert response.status_code == 400 and "at least one line" in response.json["message"]


def test_pages_document_their_html_errors(app_env):
    doc = app_env[0].test_client().get("/openapi.json").json
    for method in ("get", "post"):
        assert "text/html" in doc["paths"]["/s/{token}"][method]["responses"]["default"]["content"]
    assert doc["components"]["schemas"]["ResponseIn"]["anyOf"]
