"""The app's shape: documented endpoints, health and readiness."""
import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_every_endpoint_is_in_openapi_with_a_summary(client):
    spec = client.get("/openapi.json").json
    paths = spec["paths"]
    for path in ("/v1/tickets/resolved", "/v1/invitations", "/v1/policies/{directorate}",
                 "/v1/policies/{directorate}/audit", "/v1/opt-outs",
                 "/v1/opt-outs/{requester_id}", "/v1/stats"):
        assert path in paths
        assert all(op.get("summary") for op in paths[path].values() if isinstance(op, dict)
                   and "responses" in op)
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_readyz_reports_the_database(client):
    checks = client.get("/readyz").json["checks"]
    assert checks["database"] == "ok"
