"""Pull and write-back for ServiceNow, JSM, Freshservice and GLPI against a local API that
answers with each vendor's documented responses (tests/fixtures/itsm/<vendor>/), checking every
request the connector makes: method, path, query, body and authentication."""
import base64
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from contracts.envelope import decode
from devkit.stub_api import StubApi
from survey_svc import bootstrap
from survey_svc.adapters.orm import decisions, invitations, itsm_writebacks, metadata
from survey_svc.app import create_app
from survey_svc.connectors.pull import load_pull_connectors
from survey_svc.connectors.sources import load_push_sources
from survey_svc.domain.commands import (CheckFollowUps, DeliverWriteBacks, PollConnector,
                                        QueueWriteBack)
from survey_svc.domain.writeback import Answer

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).parents[2] / "fixtures" / "itsm"
SINCE = datetime(2024, 3, 1, tzinfo=timezone.utc)


def fixture(path: str):
    return json.loads((FIXTURES / path).read_text())


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def api():
    servers = []

    def start(handler):
        servers.append(StubApi(handler).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def desk(survey_settings, clock, tmp_path):
    """desk(api, toml) -> a survey-svc bus with that `[pull.x]` connector, secrets from env."""
    buses = []

    def make(server, body: str, environ=None):
        path = tmp_path / "connectors.toml"
        path.write_text(body.replace("{url}", server.url))
        connectors = load_pull_connectors(str(path), environ or {"DESK_SECRET": "s3cret",
                                                                 "DESK_APP": "app-token"})
        buses.append(bootstrap.build(survey_settings, clock=clock, connectors=connectors))
        return buses[-1]

    yield make
    for bus in buses:
        bus.close()


def decided(bus) -> dict:
    with bus.engine.connect() as conn:
        return {(r.ticket_id, r.resolution): r.reason or "surveyed"
                for r in conn.execute(select(decisions))}


def answer_for(bus, ticket_id: str, score=1, resolved="no", comment="Still no heating",
               version=1) -> str:
    """Queue the write-back of an answer to the ticket's invitation; returns the outcome."""
    with bus.uow_factory() as uow:
        [invitation] = uow.invitations.query(invitations.c.ticket_id == ticket_id)
    answer = Answer(f"resp-{ticket_id}", version, score, resolved, comment,
                    datetime(2024, 3, 6, 9, 0, tzinfo=timezone.utc))
    return bus.handle(QueueWriteBack(invitation.id, answer))


def writebacks(bus) -> list:
    with bus.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(itsm_writebacks))]


# -- ServiceNow -----------------------------------------------------------------------------

SERVICENOW = """
[pull.snow]
kind = "servicenow"
url = "{url}"
username = "survey.integration"
secret_env = "DESK_SECRET"
start = "2024-03-01"
[pull.snow.writeback]
on = ["detractor"]
reopen = ["detractor"]
"""


def servicenow_api(request):
    if request.method == "GET" and request.path == "/api/now/table/incident":
        offset = int(request.args["sysparm_offset"])
        return 200, fixture("servicenow/pull_incidents.json") if offset == 0 else {"result": []}
    if request.method == "PATCH" and request.path.startswith("/api/now/table/incident/"):
        return 200, fixture("servicenow/patch_incident.json")
    return 404, {"error": {"message": "No Record found"}}


def test_servicenow_pull_decides_each_resolution_once_and_writes_back(api, desk):
    server = api(servicenow_api)
    bus = desk(server, SERVICENOW)

    result = bus.handle(PollConnector("snow"))

    [search] = server.requests
    assert (search.method, search.path) == ("GET", "/api/now/table/incident")
    assert search.arg("sysparm_query") == ("stateIN6,7^sys_updated_on>=2024-03-01 00:00:00"
                                           "^ORDERBYsys_updated_on^ORDERBYsys_id")
    assert (search.arg("sysparm_limit"), search.arg("sysparm_offset")) == ("100", "0")
    assert search.arg("sysparm_exclude_reference_link") == "true"
    assert "caller_id.email" in search.arg("sysparm_fields").split(",")
    assert search.headers["Authorization"] == basic("survey.integration", "s3cret")
    assert (result.fetched, result.surveyed, result.not_surveyed) == (3, 2, 1)
    assert decided(bus) == {("INC0010023", 1): "surveyed", ("INC0010024", 2): "surveyed",
                            ("INC0010025", 1): "no_email"}
    assert result.checkpoint == datetime(2024, 3, 5, 16, 2, 30, tzinfo=timezone.utc)

    again = bus.handle(PollConnector("snow"))  # the same records again: all duplicates
    assert (again.duplicates, again.surveyed) == (3, 0)
    assert server.requests[-1].arg("sysparm_query").startswith(
        "stateIN6,7^sys_updated_on>=2024-03-05 16:02:30")

    assert answer_for(bus, "INC0010023") == "queued"
    assert answer_for(bus, "INC0010023") == "duplicate"  # the same version, redelivered
    server.requests.clear()
    assert vars(bus.handle(DeliverWriteBacks())) == {"done": 1, "retrying": 0, "failed": 0}
    note, reopen = server.requests
    assert (note.method, note.path) == ("PATCH",
                                        "/api/now/table/incident/9d385017c611228701d22104cc95c371")
    assert note.headers["Authorization"] == basic("survey.integration", "s3cret")
    assert note.headers["Content-Type"] == "application/json"
    assert list(note.json()) == ["work_notes"]
    assert "Score: 1 of 5 (very dissatisfied)" in note.json()["work_notes"]
    assert "Comment: Still no heating" in note.json()["work_notes"]
    assert (reopen.method, reopen.path, reopen.json()) == (
        "PATCH", "/api/now/table/incident/9d385017c611228701d22104cc95c371", {"state": "2"})
    [row] = writebacks(bus)
    assert (row["status"], row["note"]) == ("done", None)  # the ticket has it; we keep no copy
    assert bus.handle(DeliverWriteBacks()).done == 0  # delivered once


# -- Jira Service Management ----------------------------------------------------------------

JIRA = """
[pull.jsm]
kind = "jira"
url = "{url}"
username = "integration@council.example"
secret_env = "DESK_SECRET"
start = "2024-03-01T10:30:45"
page_size = 1
[pull.jsm.options]
jql = "project in (SP, HOUS)"
reopen_transition = "711"
[pull.jsm.writeback]
on = ["detractor", "comment"]
[pull.jsm.writeback.directorates.Housing]
reopen = ["not_resolved"]
"""


def jira_api(request):
    if request.path == "/rest/api/3/search/jql":
        page = 2 if request.args.get("nextPageToken") == "CAEaAggD" else 1
        return 200, fixture(f"jira/pull_search_jql_page{page}.json")
    if request.method == "POST" and request.path.endswith("/comment"):
        return 201, fixture("jira/servicedesk_comment_created.json")
    if request.method == "POST" and request.path.endswith("/transitions"):
        return 204, None
    return 404, {"errorMessages": ["Issue does not exist"]}


def test_jira_pull_pages_with_next_page_token_and_writes_back(api, desk):
    server = api(jira_api)
    bus = desk(server, JIRA)

    result = bus.handle(PollConnector("jsm"))

    first, second = server.requests
    assert (first.method, first.path) == ("GET", "/rest/api/3/search/jql")
    assert first.arg("jql") == ('(project in (SP, HOUS)) AND resolutiondate >= "2024-03-01 10:30"'
                                " ORDER BY resolutiondate ASC, key ASC")
    assert first.arg("maxResults") == "1" and "nextPageToken" not in first.query
    assert "resolutiondate" in first.arg("fields").split(",")
    assert second.arg("nextPageToken") == "CAEaAggD"
    assert first.headers["Authorization"] == basic("integration@council.example", "s3cret")
    assert (result.fetched, result.surveyed) == (2, 2)
    assert set(decided(bus)) == {("SP-12", 1709647391), ("HOUS-7", 1709653200)}

    server.requests.clear()
    assert answer_for(bus, "SP-12", score=4, resolved="yes", comment="Quick, thanks") == "queued"
    assert answer_for(bus, "HOUS-7", score=3, resolved="no", comment=None) == "not_triggered"
    assert answer_for(bus, "HOUS-7", score=2, resolved="no", comment=None, version=2) == "queued"
    bus.handle(DeliverWriteBacks())
    sp_note, hous_note, hous_reopen = server.requests
    assert (sp_note.method, sp_note.path) == ("POST", "/rest/servicedeskapi/request/SP-12/comment")
    assert set(sp_note.json()) == {"body", "public"} and sp_note.json()["public"] is False
    assert "Comment: Quick, thanks" in sp_note.json()["body"]
    assert hous_note.path == "/rest/servicedeskapi/request/HOUS-7/comment"
    assert "(amended, version 2)" in hous_note.json()["body"]
    assert (hous_reopen.method, hous_reopen.path, hous_reopen.json()) == (
        "POST", "/rest/api/3/issue/HOUS-7/transitions", {"transition": {"id": "711"}})
    assert hous_reopen.headers["Authorization"] == basic("integration@council.example", "s3cret")


# -- Freshservice ---------------------------------------------------------------------------

FRESHSERVICE = """
[pull.fs]
kind = "freshservice"
url = "{url}"
secret_env = "DESK_SECRET"
start = "2017-09-01"
[pull.fs.writeback]
on = ["not_resolved"]
reopen = ["not_resolved"]
"""


def freshservice_api(request):
    if request.method == "GET" and request.path == "/api/v2/tickets":
        page = int(request.args["page"])
        return 200, fixture("freshservice/pull_tickets.json") if page == 1 else {"tickets": []}
    if request.method == "POST" and request.path.endswith("/notes"):
        return 201, fixture("freshservice/note_created.json")
    if request.method == "PUT":
        return 200, {"ticket": {"id": 264, "status": 2}}
    return 404, {"code": "access_denied"}


def test_freshservice_pull_skips_open_tickets_and_writes_private_notes(api, desk):
    server = api(freshservice_api)
    bus = desk(server, FRESHSERVICE)

    result = bus.handle(PollConnector("fs"))

    [listing] = server.requests
    assert (listing.method, listing.path) == ("GET", "/api/v2/tickets")
    assert listing.query == {"updated_since": ["2017-09-01T00:00:00Z"],
                             "include": ["requester,stats"], "order_type": ["asc"],
                             "per_page": ["100"], "page": ["1"]}
    assert listing.headers["Authorization"] == basic("s3cret", "X")
    assert (result.fetched, result.surveyed) == (2, 2)  # 265 is open (status 2): not fetched
    assert set(decided(bus)) == {("264", 1505031242), ("266", 1505039400)}

    server.requests.clear()
    assert answer_for(bus, "264", score=3, resolved="no") == "queued"
    bus.handle(DeliverWriteBacks())
    note, reopen = server.requests
    assert (note.method, note.path) == ("POST", "/api/v2/tickets/264/notes")
    assert note.json()["private"] is True and set(note.json()) == {"body", "private"}
    assert "Resolved: no<br>" in note.json()["body"]  # the note body is HTML
    assert (reopen.method, reopen.path, reopen.json()) == ("PUT", "/api/v2/tickets/264",
                                                           {"status": 2})
    assert reopen.headers["Authorization"] == basic("s3cret", "X")


# -- GLPI -----------------------------------------------------------------------------------

GLPI = """
[pull.glpi]
kind = "glpi"
url = "{url}"
secret_env = "DESK_SECRET"
app_token_env = "DESK_APP"
start = "2024-03-01"
[pull.glpi.writeback]
on = ["detractor"]
reopen = ["detractor"]
"""


def glpi_api(request):
    answers = fixture("glpi/pull_api.json")
    path = request.path.removeprefix("/apirest.php")
    if request.method == "GET" and path == "/search/Ticket" and request.args["range"] != "0-99":
        return 400, ["ERROR_RANGE_EXCEED_TOTAL", "Provided range exceed total count of data"]
    key = f"{request.method} {path}"
    return (201 if request.method == "POST" else 200), answers.get(key) or ["ERROR_ITEM_NOT_FOUND"]


def test_glpi_pull_uses_a_session_and_counts_solutions(api, desk):
    server = api(glpi_api)
    bus = desk(server, GLPI)

    result = bus.handle(PollConnector("glpi"))

    init, search, *rest = server.requests
    assert (init.method, init.path) == ("GET", "/apirest.php/initSession")
    assert init.headers["Authorization"] == "user_token s3cret"
    assert init.headers["App-Token"] == "app-token"
    assert search.path == "/apirest.php/search/Ticket"
    assert search.query["criteria[0][field]"] == ["12"]
    assert search.query["criteria[0][value]"] == ["old"]
    assert search.query["criteria[1][searchtype]"] == ["morethan"]
    assert search.query["criteria[1][value]"] == ["2024-02-29 23:59:59"]
    assert (search.arg("sort"), search.arg("order"), search.arg("range")) == ("17", "ASC", "0-99")
    assert all(r.headers["Session-Token"] == "83af7e620c83a50a18d3eac2f6ed05a3ca0bea62"
               and r.headers["App-Token"] == "app-token" for r in [search, *rest])
    assert "Authorization" not in search.headers
    assert (result.fetched, result.surveyed) == (2, 2)
    # two solutions (the first refused): the second resolution; an address-only requester
    assert set(decided(bus)) == {("42", 2), ("43", 1)}

    server.requests.clear()
    assert answer_for(bus, "42") == "queued"
    bus.handle(DeliverWriteBacks())
    followup, reopen = server.requests
    assert (followup.method, followup.path) == ("POST", "/apirest.php/ITILFollowup")
    body = followup.json()["input"]
    assert (body["itemtype"], body["items_id"], body["is_private"]) == ("Ticket", 42, 1)
    assert "Score: 1 of 5" in body["content"]
    assert followup.headers["Session-Token"] == "83af7e620c83a50a18d3eac2f6ed05a3ca0bea62"
    assert followup.headers["Content-Type"] == "application/json"
    assert (reopen.method, reopen.path, reopen.json()) == ("PUT", "/apirest.php/Ticket/42",
                                                           {"input": {"status": 2}})


def test_servicenow_the_teams_update_after_our_work_note_is_announced_once(api, desk):
    """The mark is the PATCH answer's sys_updated_on; the record read back later was updated
    after it by another user than ours: a follow-up, once."""
    followed = {"on": False}

    def handler(request):
        if request.method == "GET" and request.path.startswith("/api/now/table/incident/"):
            if not followed["on"]:  # untouched since our note: as the PATCH answered
                return 200, {"result": {**fixture("servicenow/patch_incident.json")["result"],
                                        "sys_updated_by": "survey.integration"}}
            return 200, fixture("servicenow/get_incident_followed_up.json")
        return servicenow_api(request)

    server = api(handler)
    bus = desk(server, SERVICENOW)
    bus.handle(PollConnector("snow"))
    assert answer_for(bus, "INC0010023") == "queued"
    assert bus.handle(DeliverWriteBacks()).done == 1
    [row] = writebacks(bus)
    assert row["followup_mark"] == "2024-03-06 09:00:00"  # from the PATCH's own answer
    server.requests.clear()

    assert bus.handle(CheckFollowUps("snow")) == 0
    [look] = server.requests
    assert (look.method, look.path) == ("GET", "/api/now/table/incident/"
                                               "9d385017c611228701d22104cc95c371")
    assert look.arg("sysparm_fields") == "sys_updated_on,sys_updated_by,state"
    assert look.headers["Authorization"] == basic("survey.integration", "s3cret")
    followed["on"] = True
    assert bus.handle(CheckFollowUps("snow")) == 1
    assert bus.handle(CheckFollowUps("snow")) == 0  # the mark moved past it
    [event] = outbox(bus, "ticket.followed_up")
    assert (event.data["summary"], event.data["at"]) == (
        "Resolved in ServiceNow", datetime(2024, 3, 7, 10, 15, tzinfo=timezone.utc))
    assert event.data["ticket_id"] == "INC0010023" and event.data["tool"] == "servicenow"
    [delivered] = outbox(bus, "writeback.")
    assert delivered.event_type == "writeback.delivered" and delivered.data["reopened"] is True


def test_servicenow_a_pushed_incident_is_written_back_to_its_sys_id(api, survey_settings, clock,
                                                                     tmp_path):
    """[push.snow] beside [pull.snow]: the pushed incident's note goes through the connector,
    to the record the mapping's `ref` (sys_id) names."""
    server = api(servicenow_api)
    path = tmp_path / "connectors.toml"
    path.write_text(SERVICENOW.replace("{url}", server.url) + PUSH_SNOW)
    bus = bootstrap.build(survey_settings, clock=clock, connectors=load_pull_connectors(
        str(path), {"DESK_SECRET": "s3cret"}), push_sources=load_push_sources(
        str(path), {"PUSH_SECRET": "push-s3cret"}))
    try:
        incident = fixture("servicenow/incident_resolved.json")
        pushed = create_app(bus).test_client().post(
            "/v1/tickets/resolved/snow", json=incident,
            headers={"Authorization": basic("survey-push", "push-s3cret")})
        assert pushed.status_code == 202 and pushed.json["surveyed"], pushed.json
        number, sys_id = incident["result"]["number"], incident["result"]["sys_id"]
        assert answer_for(bus, number) == "queued"
        server.requests.clear()
        assert bus.handle(DeliverWriteBacks()).done == 1
        note, reopen = server.requests
        assert (note.method, note.path) == ("PATCH", f"/api/now/table/incident/{sys_id}")
        assert note.headers["Authorization"] == basic("survey.integration", "s3cret")
        assert "Comment: Still no heating" in note.json()["work_notes"]
    finally:
        bus.close()


PUSH_SNOW = """
[push.snow]
mapping = "servicenow"
auth = "basic"
username = "survey-push"
secret_env = "PUSH_SECRET"
"""


def outbox(bus, prefix: str) -> list:
    table = metadata.tables["event_outbox"]
    with bus.engine.connect() as conn:
        found = [decode(p) for p in conn.scalars(select(table.c.payload).order_by(table.c.id))]
    return [e for e in found if e.event_type.startswith(prefix)]
