"""One desk, several councils (#17): a ticket's organisation, given or derived from its
directorate, picks its policy (defaults -> organisation -> directorate), its email's branding
and its question set; the invitation's events and its link carry it."""
import json
import re
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from chassis.branding import load_branding
from chassis.kafka import KafkaPublisher
from chassis.outbox import OutboxRelay
from chassis.tokens import verify_token
from contracts import topics
from devkit.testing import wait_for
from survey_svc import bootstrap
from survey_svc.app import create_app
from survey_svc.service_layer.dispatch import dispatch_due

pytestmark = pytest.mark.integration
BRANDING = """organisation_name = "Shared ICT"
[organisations.north-council]
organisation_name = "North Council"
directorates = ["Highways", "Parks"]
[organisations.north-council.colours]
header_background = "#123456"
[organisations.south-council]
organisation_name = "South Council"
"""
QUESTION = {"id": "nps", "type": "nps", "label": {"en": "Recommend us?", "cy": "Argymell ni?"}}
SETS = {"sets": [
    {"name": "highways", "version": 1, "directorate": "Highways", "questions": [QUESTION]},
    {"name": "north_highways", "version": 1, "directorate": "Highways",
     "organisation": "north-council", "questions": [QUESTION]}]}


@pytest.fixture
def council(survey_settings, clock, tmp_path):
    (tmp_path / "branding.toml").write_text(BRANDING)
    (tmp_path / "sets.json").write_text(json.dumps(SETS))
    bus = bootstrap.build(replace(survey_settings, question_sets_file=str(tmp_path / "sets.json")),
                          clock=clock,
                          branding=load_branding({"BRANDING_FILE": str(tmp_path / "branding.toml")}))
    yield bus
    bus.close()


@pytest.fixture
def council_client(council):
    return create_app(council).test_client()


def _resolve(client, signed, payload) -> dict:
    body, headers = signed(payload)
    response = client.post("/v1/tickets/resolved", data=body, headers=headers)
    assert response.status_code == 202, response.json
    return response.json


def _send(bus, clock) -> int:
    mailer = bus.mailer_factory()
    try:
        return dispatch_due(bus.uow_factory(), clock, mailer, bus.renderer).sent
    finally:
        mailer.close()


def _invitation(bus, invitation_id):
    with bus.uow_factory() as uow:
        return uow.invitations.get(invitation_id)


def test_policy_branding_and_question_set_follow_the_tickets_organisation(
        council, council_client, clock, smtp_server, signed, ticket_payload, admin, unique,
        survey_keys, kafka_bootstrap, tail):
    client = council_client
    lifecycle = tail(topics.SURVEYS_LIFECYCLE)
    for path, changes in [("/v1/policies/*", {"delay_minutes": 600}),
                          ("/v1/organisation-policies/north-council",
                           {"delay_minutes": 0, "excluded_categories": ["Password reset"]}),
                          ("/v1/policies/Parks", {"delay_minutes": 30})]:
        assert client.put(path, json=changes, headers=admin).status_code == 200

    now = clock.now()
    # Highways belongs to north-council (branding file): its delay of 0 over the defaults' 600.
    derived = _resolve(client, signed, ticket_payload(f"N-{unique}", now, directorate="Highways"))
    # Named on the ticket: south-council has no overrides, so the defaults' delay.
    south = _resolve(client, signed, ticket_payload(f"S-{unique}", now, directorate="Highways",
                                                    organisation="south-council"))
    # The directorate's own delay beats its organisation's; the organisation's exclusion stays.
    parks = _resolve(client, signed, ticket_payload(f"P-{unique}", now, directorate="Parks"))
    excluded = _resolve(client, signed, ticket_payload(f"X-{unique}", now, directorate="Parks",
                                                       category="Password reset"))
    south_reset = _resolve(client, signed, ticket_payload(
        f"Y-{unique}", now, directorate="Housing", category="Password reset",
        organisation="south-council"))
    assert [r["surveyed"] for r in (derived, south, parks, excluded, south_reset)] == \
        [True, True, True, False, True]
    assert excluded["reason"] == "excluded_category"

    north_inv = _invitation(council, derived["invitation_id"])
    assert north_inv.ticket.organisation == "north-council"
    assert north_inv.question_set == "north_highways@1"
    assert _invitation(council, south["invitation_id"]).question_set == "highways@1"
    assert _invitation(council, parks["invitation_id"]).ticket.organisation == "north-council"
    [listed] = client.get(f"/v1/invitations?ticket_id=N-{unique}", headers=admin).json
    assert listed["organisation"] == "north-council"

    assert _send(council, clock) == 1  # only the north Highways ticket is due now
    [mail] = smtp_server.wait_for_messages(1)
    html = mail.get_body(("html",)).get_content()
    assert "North Council" in html and "Shared ICT" not in html and "#123456" in html
    link = re.findall(r"https://feedback\.example\.org/s/[\w.-]+\?score=1", html)[0]
    claims = verify_token(survey_keys[1], urlsplit(link).path.split("/")[2])
    assert claims["inv"] == derived["invitation_id"] and claims["org"] == "north-council"

    clock.advance(timedelta(minutes=30))
    assert _send(council, clock) == 1  # Parks, on its own 30 minutes
    clock.advance(timedelta(minutes=570))
    assert _send(council, clock) == 2  # south-council's two, on the defaults' 600
    mails = smtp_server.wait_for_messages(4)
    bodies = {m["Subject"]: m.get_body(("html",)).get_content() for m in mails}
    south_html = next(b for s, b in bodies.items() if f"S-{unique}" in s)
    assert "South Council" in south_html and "North Council" not in south_html

    publisher = KafkaPublisher(kafka_bootstrap, "survey-test")
    try:
        OutboxRelay(council.sessions, publisher).relay()
    finally:
        publisher.close()
    ids = {derived["invitation_id"]: "north-council", south["invitation_id"]: "south-council"}
    created = {}

    def collect():
        created.update({e.data["invitation_id"]: e.data for e in lifecycle.poll()
                        if e.event_type == "invitation.created" and e.data["invitation_id"] in ids})
        return len(created) == len(ids)
    wait_for(collect, 20)
    assert {i: d["organisation"] for i, d in created.items()} == ids


def test_a_ticket_without_an_organisation_is_decided_as_before(
        council_client, council, clock, signed, ticket_payload, unique):
    outcome = _resolve(council_client, signed, ticket_payload(f"U-{unique}", clock.now(),
                                                              directorate="Finance"))
    invitation = _invitation(council, outcome["invitation_id"])
    assert invitation.ticket.organisation is None and invitation.question_set is None
    assert invitation.due_at == clock.now() + timedelta(minutes=60)


def test_organisation_policy_admin_api_validates_views_and_audits(council_client, admin):
    client = council_client
    url = "/v1/organisation-policies/north-council"
    refused = client.put(url, json={"sampling_rate": 101, "throttle_days": "x"}, headers=admin)
    assert refused.status_code == 400  # field-level, as for a directorate's policy
    assert set(refused.json["errors"]["json"]) == {"sampling_rate", "throttle_days"}
    bad_id = client.put("/v1/organisation-policies/North%20Council", json={"sampling_rate": 5},
                        headers=admin)
    assert bad_id.status_code == 400 and "organisation" in bad_id.json["errors"]["path"]
    # The defaults remind after 3 days: an organisation expiring after 3 would never remind.
    clash = client.put(url, json={"expiry_days": 3}, headers=admin)
    assert clash.status_code == 409 and "reminder_days" in clash.json["errors"]["json"]
    assert client.put("/v1/policies/Parks", json={"reminder_days": 10},
                      headers=admin).status_code == 200
    # Parks is north-council's: an organisation expiry its reminder would outlast is refused.
    parks_clash = client.put(url, json={"expiry_days": 8}, headers=admin)
    assert parks_clash.status_code == 409
    assert "Parks" in json.dumps(parks_clash.json["errors"]["json"])

    ok = client.put(url, json={"sampling_rate": 50, "test_accounts": ["qa@north.example"]},
                    headers=admin)
    assert ok.status_code == 200
    assert ok.json["overrides"] == {"sampling_rate": 50, "test_accounts": ["qa@north.example"]}
    assert ok.json["effective"]["sampling_rate"] == 50 and ok.json["effective"]["expiry_days"] == 14
    view = client.get("/v1/policies/Parks?organisation=north-council", headers=admin).json
    assert view["effective"]["sampling_rate"] == 50 and view["effective"]["reminder_days"] == 10
    assert view["organisation_overrides"]["sampling_rate"] == 50
    assert client.get("/v1/policies/Parks", headers=admin).json["effective"]["sampling_rate"] == 100
    audit = client.get(f"{url}/audit", headers=admin).json
    assert [(a["changed_by"], a["old"], a["new"]["sampling_rate"]) for a in audit] == \
        [("tester", None, 50)]
    assert client.get(url, headers={}).status_code == 401



def test_organisation_policy_from_the_cli_is_audited(cli_env, capsys, client, admin):
    from survey_svc.entrypoints import cli
    assert cli.run_cli(cli.cli, ["policy", "set", "--organisation", "north-council",
                                 "sampling_rate=40", "--by", "jo"]) == 0
    [entry] = client.get("/v1/organisation-policies/north-council/audit", headers=admin).json
    assert entry["changed_by"] == "cli:jo" and entry["new"] == {"sampling_rate": 40}
    capsys.readouterr()
    assert cli.run_cli(cli.cli, ["policy", "show", "Parks", "--organisation",
                                 "north-council"]) == 0
    assert json.loads(capsys.readouterr().out)["sampling_rate"] == 40
    assert cli.run_cli(cli.cli, ["policy", "set", "--organisation", "North Council",
                                 "sampling_rate=40", "--by", "jo"]) == 2
    assert "not an organisation id" in capsys.readouterr().err
    assert cli.run_cli(cli.cli, ["policy", "set", "Parks", "--by", "jo"]) == 2


def test_the_preview_shows_an_organisations_branding(council_client, admin):
    page = council_client.get("/v1/preview?organisation=north-council", headers=admin)
    assert page.status_code == 200 and "North Council" in page.get_data(as_text=True)
    assert "Shared ICT" in council_client.get("/v1/preview", headers=admin).get_data(as_text=True)
    bad = council_client.get("/v1/preview?organisation=North%20Council", headers=admin)
    assert bad.status_code == 400 and "organisation" in bad.json["errors"]["query"]
