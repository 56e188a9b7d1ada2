"""Issue #17's first "Done when": a split of one directorate into two councils' directorates
inside a year of answers, read "as it was" and "as it is now" (SQLite + PostgreSQL). Answers go
through the real consumer path; the structure through the admin API."""
import csv
import io
from collections import Counter
from datetime import datetime, timezone

import pytest

from analysis_svc.app import create_app
from analysis_svc.domain.commands import IssueToken, PrepareRebuild
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import record, response

pytestmark = pytest.mark.integration
ADMIN = {"Authorization": "Bearer admin-secret"}
NORTH_PARTNER = {"Authorization": "Bearer partner-north"}
YEAR = {"from": "2023-01-01", "to": "2023-12-31", "period": "month"}
SPLIT_DAY = "2023-06-15"  # mid-week and mid-month: its periods hold both structures


def _answers(services, directorate, service, days, per_day=6, score=4):
    handle_records(services, [
        record(response(directorate=directorate, service=service,
                        score=2 if score == 4 and i == 0 else score,
                        submitted_at=datetime(2023, month, day, 10, tzinfo=timezone.utc)))
        for month, day in days for i in range(per_day)])


def _year_of_answers(services):
    before = [(m, d) for m in range(1, 7) for d in (3, 20) if (m, d) < (6, 15)]
    after = [(m, d) for m in range(6, 13) for d in (3, 20) if (m, d) > (6, 15)]
    _answers(services, "Adults", "Care North", before)
    _answers(services, "Adults", "Care West", before, score=5)
    _answers(services, "North Adults", "Care North", after)
    _answers(services, "West Adults", "Care West", after, score=5)


@pytest.fixture
def api(make_services):
    services = make_services()
    _year_of_answers(services)
    services.handle(IssueToken(("North Adults",), "North", None, token="partner-north"))
    client = create_app(services).test_client()
    client.services = services
    return client


def _post(api, path, body, status=201):
    answer = api.post(path, json=body, headers=ADMIN)
    assert answer.status_code == status, answer.json
    return answer.json


def _record_split(api):
    for org in ("County", "North", "West"):
        _post(api, "/v1/organisations", {"name": org, "id": org.lower()})
    _post(api, "/v1/nodes", {"organisation": "county", "name": "Adults", "id": "adults",
                             "valid_to": SPLIT_DAY})
    for org in ("north", "west"):
        _post(api, "/v1/nodes", {"organisation": org, "name": f"{org.title()} Adults",
                                 "id": f"{org}-adults", "valid_from": SPLIT_DAY})
    return _post(api, "/v1/reorganisations", {
        "kind": "split", "effective": SPLIT_DAY, "sources": ["adults"],
        "targets": ["north-adults", "west-adults"],
        "rule": {"field": "service", "cases": {"care north": "north-adults",
                                               "Care West": "west-adults"}}})


def _lines(rows) -> dict[str, list[str]]:
    lines: dict[str, list[str]] = {}
    for row in rows:
        lines.setdefault(row["directorate"], []).append(row["period"])
    return lines


def _get(api, path, headers=ADMIN, **query):
    answer = api.get(path, query_string={**YEAR, **query}, headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


MONTHS = [f"2023-{m:02d}" for m in range(1, 13)]


def test_a_split_reads_as_it_was_and_as_it_is_now_with_the_same_totals(api):
    default_trends, default_totals = _get(api, "/v1/trends"), _get(api, "/v1/totals")
    _record_split(api)
    assert _get(api, "/v1/trends") == default_trends  # the default view is unchanged
    assert _get(api, "/v1/totals") == default_totals

    was = _lines(_get(api, "/v1/trends", view="as_was"))
    assert was["Adults"] == MONTHS[:6]  # the old one ends at the date
    assert was["North Adults"] == was["West Adults"] == MONTHS[5:]

    now_rows = _get(api, "/v1/trends", view="as_now")
    now = _lines(now_rows)
    assert set(now) == {"North Adults", "West Adults"}
    assert now["North Adults"] == now["West Adults"] == MONTHS  # continuous lines
    west_past = [r for r in now_rows
                 if r["directorate"] == "West Adults" and r["period"] < "2023-06"]
    assert all(r["csat"] == 1.0 for r in west_past)  # its past came by the rule (Care West: 5s)
    june = [r for r in now_rows if r["period"] == "2023-06"]
    assert all(m["kind"] == "split" and m["date"] == SPLIT_DAY for r in june for m in r["markers"])
    assert all(r["markers"] for r in june)
    assert not any(r["markers"] for r in now_rows if r["period"] != "2023-06")

    whole = {view: _get(api, "/v1/totals", view=view, group_by="") for view in ("as_was", "as_now")}
    assert whole["as_was"] == whole["as_now"] == _get(api, "/v1/totals", group_by="")
    by_directorate = {view: _get(api, "/v1/totals", view=view) for view in ("as_was", "as_now")}
    summed = {view: sum(r["responses"] for r in rows) for view, rows in by_directorate.items()}
    assert summed["as_was"] == summed["as_now"] == whole["as_now"][0]["responses"]


def test_a_partner_of_a_new_directorate_sees_its_reconstructed_past(api):
    _record_split(api)
    was = _lines(_get(api, "/v1/trends", headers=NORTH_PARTNER, view="as_was"))
    assert set(was) == {"North Adults"} and was["North Adults"] == MONTHS[5:]
    now_rows = _get(api, "/v1/trends", headers=NORTH_PARTNER, view="as_now")
    assert _lines(now_rows) == {"North Adults": MONTHS}
    assert all("West" not in m["label"] for r in now_rows for m in r["markers"])
    totals = _get(api, "/v1/totals", headers=NORTH_PARTNER, view="as_now")
    assert [r["directorate"] for r in totals] == ["North Adults"]
    assert totals[0]["responses"] == 6 * 11 + 6 * 13


def test_recording_a_split_replays_nothing_and_a_rebuild_reads_the_same(api):
    _record_split(api)
    now = _get(api, "/v1/totals", view="as_now")
    services = api.services
    services.handle(PrepareRebuild(reset=True))
    assert _get(api, "/v1/totals", view="as_now") == []  # figures come from the rollups only
    _year_of_answers(services)  # the replay a rebuild does
    assert _get(api, "/v1/totals", view="as_now") == now


def test_a_rename_changes_no_figure_only_the_label(api):
    days = [(m, 3) for m in range(1, 13)]
    _answers(api.services, "Housing", "Repairs", days[:6])
    _answers(api.services, "Homes", "Repairs", days[6:])
    _post(api, "/v1/organisations", {"name": "County", "id": "county"})
    _post(api, "/v1/nodes", {"organisation": "county", "name": "Housing", "id": "housing"})
    before = {v: _get(api, "/v1/totals", view=v, group_by="") for v in ("as_was", "as_now")}
    _post(api, "/v1/reorganisations", {"kind": "rename", "effective": "2023-07-01",
                                       "sources": ["housing"], "name": "Homes"})
    was = {r["directorate"]: r for r in _get(api, "/v1/totals", view="as_was")}
    now = {r["directorate"]: r for r in _get(api, "/v1/totals", view="as_now")}
    assert now["Homes"]["responses"] == was["Housing"]["responses"] + was["Homes"]["responses"]
    assert "Housing" not in now
    assert {v: _get(api, "/v1/totals", view=v, group_by="") for v in ("as_was", "as_now")} == before
    assert _lines(_get(api, "/v1/trends", view="as_now", directorate="Homes"))["Homes"] == MONTHS


def test_an_unknown_name_is_listed_and_once_mapped_counts(api):
    _record_split(api)
    _answers(api.services, "north adults ", "Care North", [(9, 3)])  # another spelling: known
    _answers(api.services, "Adlts (N)", "Care North", [(9, 4)], per_day=7)
    unknown = api.get("/v1/unknown-names", headers=ADMIN).json
    assert [(u["name"], u["responses"]) for u in unknown] == [("Adlts (N)", 7)]
    assert unknown[0]["first_seen"] == unknown[0]["last_seen"] == "2023-09-04"
    now = {r["directorate"]: r["responses"] for r in _get(api, "/v1/totals", view="as_now")}
    assert now["Adlts (N)"] == 7  # kept, never dropped
    left = _post(api, "/v1/aliases", {"name": "ADLTS  (n)", "node": "north-adults"}, 200)
    assert left == []
    mapped = {r["directorate"]: r["responses"] for r in _get(api, "/v1/totals", view="as_now")}
    assert "Adlts (N)" not in mapped and mapped["North Adults"] == now["North Adults"] + 7


def test_bad_structure_input_is_a_4xx_naming_the_field(api):
    _post(api, "/v1/organisations", {"name": "County", "id": "county"})
    _post(api, "/v1/nodes", {"organisation": "county", "name": "Adults", "id": "adults"})
    _post(api, "/v1/nodes", {"organisation": "county", "name": "North Adults", "id": "na"})
    _post(api, "/v1/nodes", {"organisation": "county", "name": "West Adults", "id": "wa"})
    cases = [
        ("/v1/nodes", {"organisation": "county", "name": "X", "valid_from": "2024-02-01",
                       "valid_to": "2024-01-01"}, "valid_to", 409),
        ("/v1/nodes", {"organisation": "nowhere", "name": "X"}, "organisation", 404),
        ("/v1/organisations", {"name": " county "}, "name", 409),
        ("/v1/organisations", {"name": "X\nY"}, "name", 400),
        ("/v1/reorganisations", {"kind": "merge", "effective": "2023-01-01",
                                 "sources": ["adults", "ghost"], "targets": ["na"]},
         "sources", 404),
        ("/v1/reorganisations", {"kind": "split", "effective": "2023-01-01", "sources": ["adults"],
                                 "targets": ["na", "wa"]}, "rule", 409),
        ("/v1/reorganisations", {"kind": "fold", "effective": "2023-01-01",
                                 "sources": ["adults"]}, "kind", 400),
        ("/v1/reorganisations", {"kind": "split", "effective": SPLIT_DAY, "sources": ["adults"],
                                 "targets": ["na", "wa"], "rule": {
                                     "field": "service", "cases": {"Care North": "na",
                                                                   "Other": "wa"}}}, "rule", 409),
        ("/v1/aliases", {"name": "Adlts", "node": "ghost"}, "node", 404),
    ]
    for path, body, field, status in cases:
        refused = api.post(path, json=body, headers=ADMIN)
        assert refused.status_code == status and field in refused.json["errors"]["json"], (
            path, refused.json)
    split = {"kind": "split", "effective": SPLIT_DAY, "sources": ["adults"],
             "targets": ["na", "wa"],
             "rule": {"field": "service", "cases": {"Care North": "na", "Care West": "wa"}}}
    _post(api, "/v1/reorganisations", split)
    again = api.post("/v1/reorganisations", json={**split, "effective": "2023-12-01"},
                     headers=ADMIN)
    assert again.status_code == 409 and "effective" in again.json["errors"]["json"]
    reversed_ = api.post("/v1/reorganisations", json={
        "kind": "rename", "effective": "2023-01-01", "sources": ["na"], "name": "N"}, headers=ADMIN)
    assert reversed_.status_code == 409 and "Dates reversed" in str(reversed_.json["errors"])
    assert api.get("/v1/organisations", headers=NORTH_PARTNER).status_code == 401
    assert api.post("/v1/aliases", json={"name": "a", "node": "na"},
                    headers=NORTH_PARTNER).status_code == 401


def _export(api, headers=ADMIN, **query) -> list[dict]:
    answer = api.get("/v1/export.csv", headers=headers,
                     query_string={"from": YEAR["from"], "to": YEAR["to"], **query})
    assert answer.status_code == 200, answer.data[:300]
    return list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))


def _pages(api, headers=ADMIN, **query) -> list[dict]:
    """Every item of /v1/responses, page by page (small pages: a filtered view reads on)."""
    items, cursor = [], None
    while True:
        page = api.get("/v1/responses", headers=headers, query_string={
            "from": YEAR["from"], "to": YEAR["to"], "limit": 7, **query,
            **({"cursor": cursor} if cursor else {})}).json
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def _counts(rows, key="directorate") -> dict[str, int]:
    return dict(Counter(row[key] for row in rows))


def test_summary_themes_and_the_export_agree_with_trends_in_both_views(api):
    _record_split(api)
    for view in ("as_was", "as_now"):
        totals = {r["directorate"]: r["responses"] for r in _get(api, "/v1/totals", view=view)}
        assert _counts(_export(api, view=view)) == totals, view
        assert _counts(_pages(api, view=view)) == totals, view
        trends = _get(api, "/v1/trends", view=view)
        december = {r["directorate"]: r for r in trends if r["period"] == "2023-12"}
        summary = {r["directorate"]: r for r in _get(api, "/v1/summary", view=view)}
        assert set(summary) == set(december), view
        for name, row in summary.items():
            assert row["period"] == "2023-12"
            assert (row["responses"], row["csat"]) == (december[name]["responses"],
                                                       december[name]["csat"]), (view, name)
        themes = {r["directorate"]: r["responses"] for r in _get(api, "/v1/themes", view=view)}
        assert themes == totals, view
    assert set(_counts(_export(api, view="as_now"))) == {"North Adults", "West Adults"}


def test_a_directorate_filter_and_a_partner_scope_read_todays_names(api):
    _record_split(api)
    now = {r["directorate"]: r["responses"] for r in _get(api, "/v1/totals", view="as_now")}
    west = _export(api, view="as_now", directorate="West Adults")
    assert len(west) == now["West Adults"] and _counts(west, "service") == {"Care West": len(west)}
    assert min(r["submitted_at"] for r in west) < SPLIT_DAY  # its reconstructed past
    north = _pages(api, headers=NORTH_PARTNER, view="as_now")
    assert _counts(north) == {"North Adults": now["North Adults"]}
    assert _counts(_export(api, headers=NORTH_PARTNER, view="as_was")) == {"North Adults": 6 * 13}
    summary = _get(api, "/v1/summary", headers=NORTH_PARTNER, view="as_now")
    assert [r["directorate"] for r in summary] == ["North Adults"]
    refused = api.get("/v1/export.csv", headers=NORTH_PARTNER,
                      query_string={"view": "as_now", "directorate": "West Adults"})
    assert refused.status_code == 403


def test_a_rename_changes_no_figure_on_any_feed(api):
    days = [(m, 3) for m in range(1, 13)]
    _answers(api.services, "Housing", "Repairs", days)
    _post(api, "/v1/organisations", {"name": "County", "id": "county"})
    _post(api, "/v1/nodes", {"organisation": "county", "name": "Housing", "id": "housing"})
    _post(api, "/v1/reorganisations", {"kind": "rename", "effective": "2023-07-01",
                                       "sources": ["housing"], "name": "Homes"})
    was = _counts(_export(api, view="as_was", service="Repairs"))
    now = _counts(_export(api, view="as_now", service="Repairs"))
    assert was == {"Housing": 72} and now == {"Homes": 72}
    summary = {v: [{k: x for k, x in r.items() if k != "directorate"}
                   for r in _get(api, "/v1/summary", view=v, service="Repairs")]
               for v in ("as_was", "as_now")}
    assert summary["as_was"] == summary["as_now"]


def test_a_bad_view_is_a_400_naming_it_on_every_feed(api):
    for path in ("/v1/trends", "/v1/totals", "/v1/summary", "/v1/themes", "/v1/responses",
                 "/v1/export.csv"):
        refused = api.get(path, query_string={"view": "as_then"}, headers=ADMIN)
        assert refused.status_code == 400, path
        assert "view" in refused.json["errors"]["query"], path


def test_an_unknown_name_once_mapped_counts_in_the_export_and_summary_too(api):
    _record_split(api)
    _answers(api.services, "Adlts (N)", "Care North", [(12, 4)], per_day=7)
    before = _counts(_export(api, view="as_now"))
    assert before["Adlts (N)"] == 7  # kept under its own name, never dropped
    summary = {r["directorate"]: r["responses"] for r in _get(api, "/v1/summary", view="as_now")}
    _post(api, "/v1/aliases", {"name": "adlts (n)", "node": "north-adults"}, 200)
    after = _counts(_export(api, view="as_now"))
    assert "Adlts (N)" not in after and after["North Adults"] == before["North Adults"] + 7
    mapped = {r["directorate"]: r["responses"] for r in _get(api, "/v1/summary", view="as_now")}
    assert mapped["North Adults"] == summary["North Adults"] + 7 and "Adlts (N)" not in mapped
