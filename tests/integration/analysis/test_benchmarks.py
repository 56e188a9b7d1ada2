"""Issue #17's benchmarking view on SQLite and PostgreSQL: an organisation's own figure per
service beside its peers' median and quartiles, small cells suppressed, no statistic under three
peers, named figures only for organisations that opted in. Answers go through the real consumer
path, the structure and the opt-in through the admin API, tokens carry organisation ids."""
from datetime import datetime, timezone

import pytest

from analysis_svc.app import create_app
from analysis_svc.domain.commands import IssueToken
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import record, response

pytestmark = pytest.mark.integration
ADMIN = {"Authorization": "Bearer admin-secret"}
WINDOW = {"from": "2023-01-01", "to": "2023-12-31"}
# organisation -> {service: (answers, satisfied)}; "e" is under the minimum of 10 on Repairs.
FIGURES = {"a": {"Repairs": (20, 15), "Care": (12, 6)},
           "b": {"Repairs": (10, 5), "Care": (10, 9)},
           "c": {"Repairs": (10, 6), "Care": (10, 2)},
           "d": {"Repairs": (12, 9)},
           "f": {"Repairs": (10, 7)},
           "e": {"Repairs": (5, 5)}}


def _answers(services):
    handle_records(services, [
        record(response(directorate=f"{org.upper()} Housing", service=service,
                        score=5 if i < satisfied else 2,
                        submitted_at=datetime(2023, 3 + i % 6, 1 + i, 10, tzinfo=timezone.utc)))
        for org, by_service in FIGURES.items()
        for service, (n, satisfied) in by_service.items() for i in range(n)])


def _token(services, org: str) -> dict:
    """A partner token of one organisation (g.organisations is set from it, #17)."""
    token = f"partner-{org}"
    services.handle(IssueToken((), org, None, token=token, organisations=(org,)))
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(make_services):
    services = make_services()
    _answers(services)
    client = create_app(services).test_client()
    client.services = services
    for org in FIGURES:
        _send(client, "post", "/v1/organisations", {"name": f"Council {org.upper()}", "id": org},
              201)
        _send(client, "post", "/v1/nodes", {"organisation": org, "name": f"{org.upper()} Housing",
                                            "id": f"{org}-housing"}, 201)
    client.tokens = {org: _token(services, org) for org in ("a", "b", "e")}
    return client


def _send(api, method, path, body, status):
    answer = getattr(api, method)(path, json=body, headers=ADMIN)
    assert answer.status_code == status, answer.json
    return answer.json


def _rows(api, headers, status=200, **query):
    answer = api.get("/v1/benchmarks", query_string={**WINDOW, **query}, headers=headers)
    assert answer.status_code == status, answer.json
    return answer.json if status != 200 else {
        (r["organisation"], r["service"]): r for r in answer.json}


def test_own_figure_beside_the_peer_median_and_quartiles(api):
    rows = _rows(api, api.tokens["a"])
    assert set(rows) == {("a", "Care"), ("a", "Repairs")}  # nobody else's rows
    repairs = rows[("a", "Repairs")]
    assert (repairs["responses"], repairs["csat"], repairs["suppressed"]) == (20, 0.75, False)
    # peers b .5, c .6, f .7, d .75 (e, 5 answers, left out): inclusive quartiles
    assert repairs["peers"] == 4 and not repairs["peer_suppressed"]
    assert (repairs["peer_q1"], repairs["peer_median"], repairs["peer_q3"]) == (
        0.575, 0.65, 0.7125)
    assert repairs["organisation_name"] == "Council A"
    assert (repairs["period_from"], repairs["period_to"]) == ("2023-01", "2023-12")


def test_a_cell_under_the_minimum_is_suppressed_and_left_out(api):
    repairs = _rows(api, api.tokens["e"])[("e", "Repairs")]
    assert repairs["suppressed"] and repairs["csat"] is None and repairs["responses"] is None
    assert repairs["peers"] == 5 and repairs["peer_median"] == 0.7


def test_fewer_than_three_peers_gives_no_statistic(api):
    care = _rows(api, api.tokens["a"])[("a", "Care")]
    assert care["csat"] == 0.5 and care["peers"] == 2 and care["peer_suppressed"]
    assert care["peer_q1"] is care["peer_median"] is care["peer_q3"] is None
    assert care["named_peers"] == []


def test_named_figures_only_after_opt_in_and_never_anothers_otherwise(api):
    def named(org="a"):
        return {key: [p["organisation"] for p in row["named_peers"]]
                for key, row in _rows(api, api.tokens[org]).items()}

    assert named() == {("a", "Care"): [], ("a", "Repairs"): []}
    shown = _send(api, "patch", "/v1/organisations/b", {"share_named": True}, 200)
    assert shown == {"id": "b", "name": "Council B", "share_named": True}
    assert named() == {("a", "Care"): ["b"], ("a", "Repairs"): ["b"]}
    peer = _rows(api, api.tokens["a"])[("a", "Repairs")]["named_peers"][0]
    assert peer == {"organisation": "b", "name": "Council B", "responses": 10, "csat": 0.5}
    assert named("b") == {("b", "Care"): [], ("b", "Repairs"): []}  # a did not opt in
    _send(api, "patch", "/v1/organisations/b", {"share_named": False}, 200)
    assert named() == {("a", "Care"): [], ("a", "Repairs"): []}


def test_the_organisation_listing_shows_each_opt_in(api):
    def sharing():
        listed = _send(api, "get", "/v1/organisations", None, 200)["organisations"]
        return {org["id"]: org["share_named"] for org in listed}

    assert sharing() == {org: False for org in FIGURES}
    _send(api, "patch", "/v1/organisations/b", {"share_named": True}, 200)
    assert sharing() == {**{org: False for org in FIGURES}, "b": True}
    _send(api, "patch", "/v1/organisations/b", {"share_named": False}, 200)
    assert sharing() == {org: False for org in FIGURES}


def test_a_partner_never_reads_another_organisations_rows(api):
    refused = _rows(api, api.tokens["a"], 403, organisation="b")
    assert refused["errors"]["query"]["organisation"]
    assert _rows(api, api.tokens["a"], 403, organisation="ghost")["message"] == refused["message"]
    body = api.get("/v1/benchmarks", query_string=WINDOW, headers=api.tokens["a"]).get_data(True)
    assert "Council B" not in body  # not named, so not even the name appears


def test_the_admin_sees_every_organisation_or_the_one_named(api):
    every = _rows(api, ADMIN)
    assert {org for org, _ in every} == set(FIGURES)
    assert set(_rows(api, ADMIN, organisation="d")) == {("d", "Repairs")}
    assert _rows(api, ADMIN, 404, organisation="ghost")["errors"]["query"]["organisation"]
    assert set(_rows(api, ADMIN, service="Care")) == {("a", "Care"), ("b", "Care"), ("c", "Care")}


def test_a_directorate_only_token_and_bad_arguments_are_refused(api):
    api.services.handle(IssueToken(("A Housing",), "desk", None, token="directorate-only"))
    _rows(api, {"Authorization": "Bearer directorate-only"}, 403)
    assert _rows(api, ADMIN, 400, months=0)["errors"]["query"]["months"]
    assert _rows(api, ADMIN, 400, organisaton="a")["errors"]["query"]["organisaton"]
    refused = api.patch("/v1/organisations/a", json={"share_named": True},
                        headers=api.tokens["a"])
    assert refused.status_code in (401, 403)
    assert _send(api, "patch", "/v1/organisations/ghost", {"share_named": True}, 404)
    for not_a_json_boolean in ("yes please", 1, 0, None):
        assert _send(api, "patch", "/v1/organisations/a", {"share_named": not_a_json_boolean},
                     400)["errors"]["json"]["share_named"]


def test_benchmarks_are_in_the_openapi_document(api):
    paths = api.get("/openapi.json").json["paths"]
    assert "get" in paths["/v1/benchmarks"] and "patch" in paths["/v1/organisations/{org_id}"]


def test_the_dashboard_page_shows_the_same_in_an_accessible_table(api):
    page = api.get("/dashboard/benchmarks?months=12", headers=api.tokens["a"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Council A' in html
    assert '<th scope="row" class="govuk-table__header">Repairs</th>' in html
    assert "65%" in html and "Too few peers to publish" in html  # Repairs median; Care
    assert "Council B" not in html and "Council E" not in html
    _send(api, "patch", "/v1/organisations/b", {"share_named": True}, 200)
    assert "Council B: 50% (10 answers)" in api.get("/dashboard/benchmarks",
                                                    headers=api.tokens["a"]).get_data(True)
    refused = api.get("/dashboard/benchmarks?organisation=b", headers=api.tokens["a"])
    assert "Council C" not in refused.get_data(True)  # another's organisation: own rows only


def test_the_dashboard_page_escapes_names(api):
    _send(api, "post", "/v1/organisations", {"name": "Kent & <Medway>", "id": "km"}, 201)
    html = api.get("/dashboard/benchmarks", headers=ADMIN).get_data(as_text=True)
    assert "Kent &amp; &lt;Medway&gt;" in html and "<Medway>" not in html
    api.services.handle(IssueToken(("A Housing",), "desk", None, token="directorate-only"))
    assert api.get("/dashboard/benchmarks",
                   headers={"Authorization": "Bearer directorate-only"}).status_code == 403
