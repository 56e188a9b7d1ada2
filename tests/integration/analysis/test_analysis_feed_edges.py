"""What fuzzing and abuse found at the feeds' edge (issue #11), each now a plain answer:
partners get no invitation_id, out-of-range days are 400s naming the field, from after to is an
empty window, JSON's 3.0 is the integer 3 (SQLite + PostgreSQL)."""
import csv
import io
from datetime import datetime, timezone

import pytest

from analysis_svc.app import create_app
from analysis_svc.domain.commands import IssueToken
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import record, response

pytestmark = pytest.mark.integration
T0 = datetime(2026, 10, 5, 10, tzinfo=timezone.utc)
ADMIN = {"Authorization": "Bearer admin-secret"}
PARTNER = {"Authorization": "Bearer partner-adults"}
AGGREGATES = ["/v1/trends", "/v1/summary", "/v1/totals", "/v1/themes"]


@pytest.fixture
def api(make_services):
    services = make_services()
    handle_records(services, [record(response(score=4, directorate="Adults", submitted_at=T0,
                                              invitation_id=f"inv-{i}", comment="fine"))
                              for i in range(6)])
    services.handle(IssueToken(("Adults",), "BP", None, token="partner-adults"))
    return create_app(services).test_client()


def test_partner_feeds_carry_no_invitation_id_admins_keep_it(api):
    partner = api.get("/v1/responses", headers=PARTNER).json["items"]
    assert len(partner) == 6 and all("invitation_id" not in item for item in partner)
    admin = api.get("/v1/responses", headers=ADMIN).json["items"]
    assert {item["invitation_id"] for item in admin} == {f"inv-{i}" for i in range(6)}
    export = api.get("/v1/export.csv", headers=PARTNER).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    assert "invitation_id" not in rows[0] and not any("inv-" in cell for row in rows for cell in row)


@pytest.mark.parametrize("path", AGGREGATES + ["/v1/responses", "/v1/export.csv"])
@pytest.mark.parametrize("day", ["0396-03-09", "0001-01-01", "9999-12-31"])
def test_days_out_of_range_are_400_naming_the_field(api, path, day):
    for name in ("from", "to"):
        refused = api.get(path, query_string={name: day}, headers=ADMIN)
        assert refused.status_code == 400 and name in refused.json["errors"]["query"], (path, name)


@pytest.mark.parametrize("path", AGGREGATES)
def test_from_after_to_is_an_empty_window_and_the_edges_answer(api, path):
    empty = api.get(path, query_string={"from": "2026-10-06", "to": "2026-10-05"}, headers=ADMIN)
    assert empty.status_code == 200 and empty.json == []
    for period in ("week", "month"):
        for window in ({"from": "2000-01-01", "to": "2099-12-31"}, {"to": "2000-01-01"},
                       {"from": "2099-12-31"}):
            edge = api.get(path, query_string={**window, "period": period}, headers=ADMIN)
            assert edge.status_code == 200, (window, period)


def test_a_json_integer_may_be_written_3_point_0_but_not_3_point_5(api):
    assert api.post("/v1/analyze", json={"text": "fine", "score": 3.0}, headers=ADMIN).status_code == 200
    half = api.post("/v1/analyze", json={"text": "fine", "score": 3.5}, headers=ADMIN)
    assert half.status_code == 400 and "score" in half.json["errors"]["json"]
