"""Issue #17's second "Done when": a partner of council A sees nothing of council B anywhere
(feeds, dashboard, report, export), checked on every route of the app (SQLite + PostgreSQL).

Every name, alias, service, team and comment of Brindle (B) contains "brindle" and every one of
Ashby (A) "ashby", so one case-insensitive search of each response body finds any leak. Routes
come from app.url_map: a route this module has no rule for fails the test, so a new endpoint
gets its isolation checked before it ships. Query parameters come from the OpenAPI document,
each value tried in both views."""
import time
from html import escape
from urllib.parse import quote, quote_plus
from datetime import datetime, timedelta, timezone

import pytest

from chassis.testing import FakePublisher

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import IssueToken
from analysis_svc.domain.sign_on import parse_group_scopes
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import record, response

pytestmark = pytest.mark.integration
ADMIN = "admin-secret"
NOW = datetime.now(timezone.utc).replace(hour=10, minute=0, second=0, microsecond=0)
RENAME_DAY = (NOW - timedelta(weeks=4)).date()
START, END = (NOW - timedelta(weeks=11)).date(), NOW.date()
ORGS = {
    "ashby": {"name": "Ashby Council", "people": "Ashby People", "alias": "Ashby Folk",
              "place": "Ashby Place", "renamed": "Ashby Places and Roads"},
    "brindle": {"name": "Brindle Council", "people": "Brindle Care", "alias": "Brindle Wellbeing",
                "place": "Brindle Highways", "renamed": "Brindle Streets"},
}
UNMAPPED = "Qzunmapped Unit"  # a name no organisation has: the admin's to map, nobody else's
GROUPS = "ashby-staff=org:ashby; brindle-staff=org:brindle; empty-staff=org:empty"

# Every route of the app, by (rule, method), and how it is checked
FEED, ADMIN_ONLY, NO_DATA, PAGE, SIGN_IN, FOLLOW_UP, SCORER = (
    "feed", "admin only", "no data", "page", "sign-in", "follow-up", "scorer")
RULES = {
    ("/v1/trends", "GET"): FEED, ("/v1/totals", "GET"): FEED, ("/v1/summary", "GET"): FEED,
    ("/v1/themes", "GET"): FEED, ("/v1/responses", "GET"): FEED, ("/v1/export.csv", "GET"): FEED,
    ("/v1/benchmarks", "GET"): FEED,
    ("/v1/organisations", "GET"): ADMIN_ONLY, ("/v1/organisations", "POST"): ADMIN_ONLY,
    ("/v1/organisations/<org_id>", "PATCH"): ADMIN_ONLY, ("/v1/nodes", "POST"): ADMIN_ONLY,
    ("/v1/reorganisations", "POST"): ADMIN_ONLY, ("/v1/aliases", "POST"): ADMIN_ONLY,
    ("/v1/unknown-names", "GET"): ADMIN_ONLY, ("/v1/access-audit", "GET"): ADMIN_ONLY,
    ("/v1/admin/subject-data", "POST"): ADMIN_ONLY,
    ("/v1/analyze", "POST"): SCORER,  # scores the text it is sent, reads no stored answer
    ("/healthz", "GET"): NO_DATA, ("/readyz", "GET"): NO_DATA, ("/metrics", "GET"): NO_DATA,
    ("/openapi.json", "GET"): NO_DATA, ("/docs", "GET"): NO_DATA,
    ("/static/<path:filename>", "GET"): NO_DATA, ("/assets/<path:filename>", "GET"): NO_DATA,
    ("/dashboard/static/<path:filename>", "GET"): NO_DATA,
    ("/dashboard/brand/logo", "GET"): NO_DATA, ("/dashboard/brand/style.css", "GET"): NO_DATA,
    ("/dashboard", "GET"): PAGE, ("/dashboard/comments", "GET"): PAGE,
    ("/dashboard/detractors", "GET"): PAGE, ("/dashboard/compare", "GET"): PAGE,
    ("/reports/board", "GET"): PAGE, ("/dashboard/benchmarks", "GET"): PAGE,
    ("/dashboard/sign-in", "GET"): SIGN_IN, ("/dashboard/sign-in", "POST"): SIGN_IN,
    ("/dashboard/sign-in/sso", "GET"): SIGN_IN, ("/dashboard/sign-in/sso/callback", "GET"): SIGN_IN,
    ("/dashboard/sign-out", "POST"): SIGN_IN,
    ("/dashboard/detractors/<response_id>/follow-up", "POST"): FOLLOW_UP,
}
ADMIN_ONLY_PAGES = {"/dashboard/compare"}


def _answers(org: str, detractor_ids: dict) -> list:
    """Ten weeks of answers under every name of the organisation (alias, old and new name)."""
    names, out = ORGS[org], []
    for week in range(10):
        day = NOW - timedelta(weeks=week, days=1)
        place = names["place"] if day.date() < RENAME_DAY else names["renamed"]
        for i, directorate in enumerate((names["people"], names["alias"], place)):
            for score in (5, 4, 2, 1) if i == 0 else (5, 4, 3):
                rid = f"{org}-{week}-{i}-{score}"
                comment = (f"qz{org}marker the {org} service desk was slow and unhelpful"
                           if score < 3 else f"qz{org}marker great help from {org} desk")
                out.append(response(rid, score=score, comment=comment, directorate=directorate,
                                    service=f"{org.title()} Desk", team=f"{org.title()} Team",
                                    submitted_at=day))
                if score == 1:
                    detractor_ids[org] = rid
    return out


def _post(client, path, body):
    answer = client.post(path, json=body, headers={"Authorization": f"Bearer {ADMIN}"})
    assert answer.status_code in (200, 201, 204), (path, answer.json)


def _structure(client) -> None:
    """Two councils, each with an aliased directorate and a renamed one, and an empty council."""
    for org, names in ORGS.items():
        _post(client, "/v1/organisations", {"name": names["name"], "id": org})
        _post(client, "/v1/nodes", {"organisation": org, "name": names["people"],
                                    "id": f"{org}-people", "aliases": [names["alias"]]})
        _post(client, "/v1/nodes", {"organisation": org, "name": names["place"],
                                    "id": f"{org}-place"})
        _post(client, "/v1/reorganisations", {"kind": "rename", "effective": str(RENAME_DAY),
                                              "sources": [f"{org}-place"],
                                              "name": names["renamed"]})
    _post(client, "/v1/organisations", {"name": "Empty Council", "id": "empty"})


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """The app over both councils' answers, with a token per council and per kind of caller."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('isolation') / 'analysis.db'}"
    else:
        url = request.getfixturevalue("postgres_url_factory")()
    services = build(Settings(
        database_url=url, admin_token=ADMIN, run_worker=False, model_dir="",
        feed_rate_limit="100000 per minute", signin_rate_limit="1000 per minute",
        oidc_issuer="http://127.0.0.1:9", oidc_client_id="analysis", oidc_client_secret="secret",
        oidc_group_scopes=parse_group_scopes(GROUPS)), publisher=FakePublisher())
    detractors: dict[str, str] = {}
    events = _answers("ashby", detractors) + _answers("brindle", detractors) + [
        response("unmapped-1", comment="qzunmapped answer", directorate=UNMAPPED,
                 submitted_at=NOW - timedelta(days=3))]
    handle_records(services, [record(e, i) for i, e in enumerate(events)])
    for org in (*ORGS, "empty"):
        services.handle(IssueToken((), f"{org} partner", None, token=f"pt_{org}",
                                   organisations=(org,)))
    app = create_app(services)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    _structure(app.test_client())
    yield app, detractors
    services.close()


def _callers(app, org: str) -> dict:
    """The organisation's partner as a bearer token, a token-signed-in session and a signed-on
    (OIDC group) session."""
    bearer = app.test_client()
    bearer.environ_base["HTTP_AUTHORIZATION"] = f"Bearer pt_{org}"
    token_session = app.test_client()
    signed = token_session.post("/dashboard/sign-in", data={"token": f"pt_{org}"})
    assert signed.status_code == 302, signed.text
    sso = app.test_client()
    with sso.session_transaction() as session:
        session.update(sso_user=f"ada@{org}.example", sso_name="Ada", sso_groups=[f"{org}-staff"],
                       signed_in_at=time.time(), sid="x")
    return {"token": bearer, "token session": token_session, "signed-on session": sso}


def _rules(app) -> list[tuple[str, str]]:
    return sorted((rule.rule, method) for rule in app.url_map.iter_rules()
                  for method in rule.methods - {"HEAD", "OPTIONS"})


def test_every_route_has_an_isolation_rule(world):
    app, _ = world
    unruled = [r for r in _rules(app) if r not in RULES]
    assert not unruled, f"routes with no isolation rule in this test (add one): {unruled}"


def _values(param: dict, mine: dict, theirs: dict) -> list[tuple[str, int | None]]:
    """(value, expected status or None for "any but 5xx") to try for one query parameter."""
    schema, name = param.get("schema", {}), param["name"]
    if name == "directorate":
        return ([(n, 200) for n in _names(mine)] + [(n, 403) for n in _names(theirs)])
    if name == "organisation":
        return [(mine["id"], 200), (theirs["id"], 403)]
    if name in ("service", "team"):
        return [(f"{o['id'].title()} {'Desk' if name == 'service' else 'Team'}", None)
                for o in (mine, theirs)]
    if "enum" in schema:
        return [(v, None) for v in schema["enum"]]
    if schema.get("type") == "boolean":
        return [("true", None), ("false", None)]
    if schema.get("format") == "date":
        return [(str(END if name in ("to", "end") else START), None)]
    return []


def _names(org: dict) -> list[str]:
    return [org["people"], org["alias"], org["place"], org["renamed"]]


def _feed_requests(app, path: str, mine: dict, theirs: dict):
    """Every value of every query parameter the OpenAPI document gives the path, alone and with
    each view; the bare request first."""
    params = [p for p in app.test_client().get("/openapi.json").json["paths"][path]["get"]
              .get("parameters", []) if p.get("in") == "query"]
    views = [{}] + [{"view": v} for p in params if p["name"] == "view"
                    for v in p["schema"].get("enum", ())]
    dates = {p["name"]: v for p in params for v, _ in _values(p, mine, theirs)
             if p.get("schema", {}).get("format") == "date"}
    for view in views:
        yield {**view}, 200
        yield {**view, **dates}, 200
        for param in params:
            if param["name"] == "view":
                continue
            for value, status in _values(param, mine, theirs):
                yield {**view, **dates, param["name"]: value}, status


def _org(org_id: str) -> dict:
    return {"id": org_id, **ORGS[org_id]}


def _requests(app, rule: str, method: str, kind: str, mine: dict, theirs: dict, detractors):
    """(method, path, query/form, expected statuses) for one route and one caller."""
    if kind == FEED:
        for query, status in _feed_requests(app, rule, mine, theirs):
            yield "GET", rule, query, {status} if status else {200, 422}
    elif kind == ADMIN_ONLY:
        path = rule.replace("<org_id>", theirs["id"])
        yield method, path, {"name": "x", "organisation": theirs["id"]}, {401, 403}
    elif kind == SCORER:
        yield "POST", rule, {"text": "the desk was slow", "score": 2}, {200}
    elif kind == NO_DATA:
        path = (rule.replace("<path:filename>", "app.css") if "<" in rule else rule)
        yield "GET", path, {}, {200, 302, 304, 404, 503}
    elif kind == PAGE:
        expected = {403} if rule in ADMIN_ONLY_PAGES else {200}
        views = [{}, {"view": "as_was"}, {"view": "as_now"}]
        for view in views:
            yield "GET", rule, view, expected
            yield "GET", rule, {**view, "period": "month"}, expected
            yield "GET", rule, {**view, "from": str(START), "to": str(END)}, expected | {400}
            for name in _names(mine):
                yield "GET", rule, {**view, "directorate": name}, expected
            for name in _names(theirs):  # refused or ignored, never answered
                yield "GET", rule, {**view, "directorate": name}, expected | {403}
    elif kind == SIGN_IN:
        yield method, rule, {}, {200, 302, 400, 403, 404, 503}  # 503: no identity provider here
    elif kind == FOLLOW_UP:
        path = rule.replace("<response_id>", detractors[theirs["id"]])
        yield "POST", path, {"note": "called back"}, {404}


def _without_echo(body: str, data: dict) -> str:
    """The body less the values the request itself sent (a page may say which name it refused:
    that tells the caller nothing they did not know)."""
    for value in data.values():
        if isinstance(value, str) and len(value) > 3:
            for form in (value, quote_plus(value), quote(value), escape(value)):
                body = body.replace(form, "")
    return body


def _send(client, method, path, data):
    if method == "GET":
        return client.get(path, query_string=data)
    if path.startswith("/v1/"):
        return client.open(path, method=method, json=data)
    return client.open(path, method=method, data=data)


def _sweep(app, org_id: str, other: str, detractors) -> int:
    """Every route for every kind of caller of `org_id`: no body mentions `other`; returns how
    many requests were made."""
    mine, theirs, made, problems = _org(org_id), _org(other), 0, []
    forbidden = (other, "qzunmapped")
    # signing out ends the caller's session: those routes go last
    routes = sorted(_rules(app), key=lambda route: RULES[route] == SIGN_IN)
    for caller, client in _callers(app, org_id).items():
        tried = set()
        for rule, method in routes:
            kind = RULES[(rule, method)]
            for verb, path, data, expected in _requests(app, rule, method, kind, mine, theirs,
                                                        detractors):
                if caller != "token" and path.startswith("/v1/"):
                    if (rule, method) in tried:
                        continue
                    tried.add((rule, method))
                    expected = {401}  # a dashboard session does not open the API
                answer = _send(client, verb, path, data)
                made += 1
                body = _without_echo(answer.get_data(as_text=True), data).casefold()
                leaked = [word for word in forbidden if word in body]
                if answer.status_code not in expected or leaked:
                    problems.append(f"{caller}: {verb} {path} {data} -> {answer.status_code} "
                                    f"(expected {sorted(expected)}) leaked {leaked}")
    assert not problems, "\n".join(problems[:40])
    return made


@pytest.mark.parametrize("org_id, other", [("ashby", "brindle"), ("brindle", "ashby")])
def test_a_council_partner_sees_nothing_of_the_other_council_anywhere(world, org_id, other):
    app, detractors = world
    assert _sweep(app, org_id, other, detractors) > 200


def _get(client, path, **query):
    answer = client.get(path, query_string={"from": str(START), "to": str(END), **query})
    assert answer.status_code == 200, (path, answer.text[:300])
    return answer.get_data(as_text=True)


def test_the_admin_sees_both_councils_so_the_sweep_had_something_to_find(world):
    app, _ = world
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {ADMIN}"
    for path in ("/v1/responses", "/v1/export.csv", "/v1/trends", "/v1/totals"):
        body = _get(client, path).casefold()
        assert "brindle" in body and "ashby" in body, path
    assert "qzunmapped" in _get(client, "/v1/responses").casefold()


def test_an_organisation_token_sees_its_names_aliases_and_renames(world):
    app, _ = world
    callers = _callers(app, "ashby")
    responses = _get(callers["token"], "/v1/responses", limit=500)
    for name in _names(ORGS["ashby"]):
        assert name in responses, name
    as_now = _get(callers["token"], "/v1/totals", view="as_now")
    assert "Ashby Places and Roads" in as_now and "Ashby People" in as_now
    assert "qzashbymarker" in _get(callers["token"], "/v1/export.csv")
    for caller in ("token session", "signed-on session"):
        assert "qzashbymarker" in _get(callers[caller], "/dashboard/comments")
        assert "Ashby People" in _get(callers[caller], "/reports/board")


def test_an_organisation_without_directorates_sees_nothing(world):
    app, _ = world
    for client in _callers(app, "empty").values():
        for path in ("/v1/responses", "/v1/export.csv", "/dashboard/comments", "/reports/board"):
            answer = client.get(path)
            body = answer.get_data(as_text=True).casefold()
            assert "ashby" not in body and "brindle" not in body, path


def test_a_new_alias_counts_at_once_without_a_new_token(world):
    app, _ = world
    admin = app.test_client()
    answers = [response(f"late-{i}", comment="qzlatecomer answer", directorate="Ashby Latecomers",
                        submitted_at=NOW - timedelta(days=2)) for i in range(3)]
    handle_records(app.extensions["bus"], [record(e, 10_000 + i) for i, e in enumerate(answers)])
    partner = _callers(app, "ashby")["token"]
    assert "qzlatecomer" not in _get(partner, "/v1/responses")
    _post(admin, "/v1/aliases", {"name": "Ashby Latecomers", "node": "ashby-people"})
    assert "qzlatecomer" in _get(partner, "/v1/responses")
    assert "qzlatecomer" not in _get(_callers(app, "brindle")["token"], "/v1/responses")
