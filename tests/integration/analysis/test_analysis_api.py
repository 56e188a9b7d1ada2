"""The feeds over HTTP: scoping on every endpoint, bad input, CSV, pagination (SQLite + PostgreSQL)."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from analysis_svc.app import create_app
from analysis_svc.domain.commands import IssueToken
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import record, response

pytestmark = pytest.mark.integration
T0 = datetime(2026, 10, 5, 10, tzinfo=timezone.utc)
FEEDS = ["/v1/trends", "/v1/summary", "/v1/themes", "/v1/responses", "/v1/export.csv"]


@pytest.fixture
def api(make_services):
    services = make_services()
    batch = [record(response(score=5 if i % 3 else 1, directorate="Adults", submitted_at=T0 + timedelta(days=i % 20),
                             comment="Fixed quickly, call me on 07700 900123" if i % 2 else None))
             for i in range(30)]
    batch += [record(response(score=2, directorate="Children", submitted_at=T0, comment="slow and rude"))
              for _ in range(6)]
    batch.append(record(response(score=5, directorate="Children", team="Tiny", submitted_at=T0)))
    handle_records(services, batch)
    services.handle(IssueToken(("Adults",), "BP", None, token="partner-adults"))
    app = create_app(services)
    return app.test_client()


def _get(client, path, token="admin-secret", **params):
    return client.get(path, query_string=params, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_needs_a_known_token(api, path):
    assert api.get(path).status_code == 401
    response = _get(api, path, token="nope")
    assert response.status_code == 401 and response.json["message"]


def test_analyze_needs_a_token_and_valid_json(api):
    assert api.post("/v1/analyze", json={"text": "x"}).status_code == 401
    bad = api.post("/v1/analyze", json={"score": 9}, headers={"Authorization": "Bearer admin-secret"})
    assert bad.status_code == 400 and set(bad.json["errors"]["json"]) == {"text", "score"}
    ok = api.post("/v1/analyze", json={"text": "Sorted in minutes, brilliant", "score": 5},
                  headers={"Authorization": "Bearer admin-secret"})
    assert ok.status_code == 200 and ok.json["label"] == "positive"


@pytest.mark.parametrize("path", ["/v1/trends", "/v1/summary", "/v1/totals", "/v1/themes",
                                  "/v1/responses"])
def test_a_partner_sees_only_their_directorates(api, path):
    by_month = {} if path == "/v1/responses" else {"period": "month"}  # unknown parameters are 400s
    body = _get(api, path, token="partner-adults", **by_month).json
    rows = body["items"] if path == "/v1/responses" else body
    assert rows and {r["directorate"] for r in rows} == {"Adults"}
    admin = _get(api, path, **by_month).json
    admin_rows = admin["items"] if path == "/v1/responses" else admin
    assert "Children" in {r["directorate"] for r in admin_rows}


@pytest.mark.parametrize("path", FEEDS + ["/dashboard"])
def test_a_non_ascii_authorization_header_is_a_401_not_a_500(api, path):
    response = api.get(path, headers={"Authorization": "Bearer caf\xc3\xa9-\xff"})
    assert response.status_code == 401 and response.json["message"]


@pytest.mark.parametrize("path", FEEDS)
def test_naming_another_directorate_is_forbidden(api, path):
    response = _get(api, path, token="partner-adults", directorate="Children")
    assert response.status_code == 403


def test_export_is_scoped_too(api):
    text = _get(api, "/v1/export.csv", token="partner-adults").data.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 30 and {r["directorate"] for r in rows} == {"Adults"}


@pytest.mark.parametrize("path,params,field", [
    ("/v1/trends", {"period": "year"}, "period"),
    ("/v1/trends", {"group_by": "directorate,nope"}, "group_by"),
    ("/v1/summary", {"from": "2026-13-01"}, "from"),
    ("/v1/themes", {"to": "0396-03-09"}, "to"),
    ("/v1/totals", {"from": "2100-01-01"}, "from"),
    ("/v1/trends", {"directrate": "Adults"}, "directrate"),
    ("/v1/responses", {"limit": 0}, "limit"),
    ("/v1/responses", {"cursor": "!!!"}, "cursor"),
    ("/v1/responses", {"min_score": 7}, "min_score"),
    ("/v1/export.csv", {"label": "angry"}, "label"),
])
def test_bad_query_parameters_answer_400_with_the_field(api, path, params, field):
    response = _get(api, path, **params)
    assert response.status_code == 400
    assert field in response.json["errors"]["query"]


def test_trends_show_wilson_intervals_and_suppress_small_cells(api):
    rows = _get(api, "/v1/trends", period="month").json
    adults = [r for r in rows if r["directorate"] == "Adults"]
    assert [(r["period"], r["responses"], r["csat"]) for r in adults] == [("2026-10", 30, 0.6667)]
    assert (adults[0]["csat_low"], adults[0]["csat_high"]) == (0.4878, 0.8077)
    cells = _get(api, "/v1/trends", period="week", directorate="Children",
                 group_by="directorate,team").json
    by_team = {r["team"]: r for r in cells}
    assert by_team["Desk"]["responses"] == 6 and by_team["Desk"]["csat"] == 0.0
    tiny = by_team["Tiny"]
    assert tiny["suppressed"] and tiny["responses"] is None and tiny["csat"] is None
    themes = _get(api, "/v1/themes", period="week", directorate="Children", group_by="team").json
    assert {r["team"]: r["themes"] == [] for r in themes if r["suppressed"]} == {"Tiny": True}


def test_responses_are_redacted_and_paginated(api):
    first = _get(api, "/v1/responses", limit=20, directorate="Adults").json
    second = _get(api, "/v1/responses", limit=20, directorate="Adults", cursor=first["next_cursor"]).json
    items = first["items"] + second["items"]
    assert len(items) == 30 and len({i["response_id"] for i in items}) == 30
    assert second["next_cursor"] is None
    comments = [i["comment"] for i in items if i["comment"]]
    assert comments and all("07700" not in c for c in comments)


def test_export_csv_has_bom_stable_columns_and_iso_dates(api):
    response = _get(api, "/v1/export.csv")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    reader = csv.reader(io.StringIO(response.data.decode("utf-8-sig")))
    header = next(reader)
    assert header[:5] == ["response_id", "version", "submitted_at", "directorate", "service"]
    first = next(reader)
    assert datetime.fromisoformat(first[2]).tzinfo is not None


def test_openapi_documents_every_feed(api):
    paths = api.get("/openapi.json").json["paths"]
    assert set(FEEDS + ["/v1/analyze"]) <= set(paths)


def test_health_and_readiness(api):
    assert api.get("/healthz").status_code == 200
    ready = api.get("/readyz")
    assert ready.status_code == 200, ready.json
