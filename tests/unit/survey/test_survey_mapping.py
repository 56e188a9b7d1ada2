"""Mapping files: each vendor's documented payload makes the ticket it should; bad input is named."""
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from survey_svc.connectors.intake import command_for
from survey_svc.connectors.mapping import (ANY_RESOLUTION, Mapping, MappingError,
                                           MappingFileError, NotResolved)
from survey_svc.domain.commands import ReopenTicket, ResolveTicket

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "itsm"


def fixture(vendor: str, name: str) -> dict:
    return json.loads((FIXTURES / vendor / f"{name}.json").read_text())


def test_servicenow_incident_from_the_table_api():
    ticket = Mapping.load("servicenow").apply(fixture("servicenow", "incident_resolved"))
    assert ticket == {
        "ticket_id": "INC0010023", "resolution": 1, "resolved_at": "2024-03-05T14:03:11+00:00",
        "requester": {"id": "fred.luddy", "email": "Fred.Luddy+housing@example.com",
                      "name": "Fred Luddy"},
        "directorate": "Housing", "service": "Repairs", "team": "Housing Repairs",
        "category": "inquiry", "priority": "3 - Moderate", "channel": "phone"}


def test_servicenow_counts_resolutions_from_reopen_count():
    payload = fixture("servicenow", "incident_resolved")
    payload["result"]["reopen_count"] = "2"
    assert Mapping.load("servicenow").apply(payload)["resolution"] == 3


@pytest.mark.parametrize("name", ["automation_jira_format", "automation_format"])
def test_jira_send_web_request_in_either_documented_format(name):
    ticket = Mapping.load("jira").apply(fixture("jira", name))
    resolved = datetime(2022, 2, 18, 9, 50, 11, 662000, tzinfo=timezone.utc)
    assert ticket["ticket_id"] == "SP-53"
    assert datetime.fromisoformat(ticket["resolved_at"]) == resolved
    # No reopen count in Jira: the resolution date itself numbers the resolution.
    assert ticket["resolution"] == int(resolved.timestamp())
    assert ticket["requester"] == {"id": "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077",
                                   "email": "sample.customer@example.com",
                                   "name": "Sample Customer"}
    assert (ticket["directorate"], ticket["service"], ticket["language"]) == (
        "Customer Services", "Get IT help", "en")


def test_jira_issue_without_a_resolution_date_is_not_a_resolution():
    payload = fixture("jira", "automation_format")
    payload["fields"]["resolutiondate"] = None
    with pytest.raises(NotResolved):
        Mapping.load("jira").apply(payload)


def test_freshservice_v2_ticket_with_requester_and_stats():
    ticket = Mapping.load("freshservice").apply(fixture("freshservice", "ticket_resolved"))
    assert ticket["ticket_id"] == "264" and ticket["requester"]["email"] == "tom@example.com"
    assert ticket["resolved_at"] == "2017-09-10T08:14:02+00:00"
    assert (ticket["priority"], ticket["channel"], ticket["directorate"]) == (
        "Low", "portal", "Customer Services")


def test_freshservice_open_ticket_is_not_a_resolution():
    payload = fixture("freshservice", "ticket_resolved")
    payload["ticket"]["status"] = 2
    with pytest.raises(NotResolved):
        Mapping.load("freshservice").apply(payload)


def test_glpi_webhook_default_payload():
    ticket = Mapping.load("glpi").apply(fixture("glpi", "webhook_ticket_solved"))
    assert ticket["ticket_id"] == "42" and ticket["resolution"] == 1
    assert ticket["requester"] == {"id": "jane.doe@example.org", "email": "jane.doe@example.org",
                                   "name": None}
    assert (ticket["directorate"], ticket["team"], ticket["channel"]) == (
        "Housing", "Desktop support", "Helpdesk")


def test_glpi_requester_login_that_is_no_address_gives_no_email():
    payload = fixture("glpi", "webhook_ticket_solved")
    payload["item"]["team"][0]["name"] = "jdoe"
    ticket = Mapping.load("glpi").apply(payload)
    assert ticket["requester"] == {"id": "jdoe", "email": None, "name": None}


def test_request_tracker_rest2_ticket():
    ticket = Mapping.load("rt").apply(fixture("rt", "ticket_resolved"))
    assert ticket["ticket_id"] == "47" and ticket["resolved_at"] == "2018-02-19T17:58:50+00:00"
    assert ticket["requester"] == {"id": "carl@example.com", "email": "carl@example.com",
                                   "name": "Carl Example"}
    assert ticket["directorate"] == "Customer Services"


def test_request_tracker_unset_resolved_date_is_not_a_resolution():
    payload = {**fixture("rt", "ticket_resolved"), "Resolved": "1970-01-01T00:00:00Z"}
    with pytest.raises(NotResolved):
        Mapping.load("rt").apply(payload)


@pytest.mark.parametrize("vendor,name", [
    ("servicenow", "incident_resolved"), ("jira", "automation_jira_format"),
    ("freshservice", "ticket_resolved"), ("glpi", "webhook_ticket_solved"),
    ("rt", "ticket_resolved")])
def test_every_shipped_mapping_makes_a_valid_command(vendor, name):
    command = command_for(Mapping.load(vendor), fixture(vendor, name))
    assert isinstance(command, ResolveTicket) and command.ticket.directorate


def test_unknown_payload_shape_names_the_first_missing_field():
    with pytest.raises(MappingError) as err:
        Mapping.load("servicenow").apply({"hello": "world"})
    assert (err.value.field, err.value.expression) == ("ticket_id", "number")
    assert str(err.value) == "ticket_id: missing from the payload (expression 'number')"


def test_a_payload_that_is_not_an_object_is_named():
    with pytest.raises(MappingError, match="payload: expected a JSON object"):
        Mapping.load("jira").apply(["not", "an", "object"])


def test_glpi_payload_without_its_item_is_named():
    with pytest.raises(MappingError, match="payload: no ticket object at the root"):
        Mapping.load("glpi").apply({"event": "update"})


def test_a_value_of_the_wrong_kind_is_named_with_its_expression():
    payload = fixture("servicenow", "incident_resolved")
    payload["result"]["resolved_at"] = "yesterday"
    with pytest.raises(MappingError) as err:
        Mapping.load("servicenow").apply(payload)
    assert err.value.field == "resolved_at" and "yesterday" in err.value.problem


def test_the_contract_refusing_a_value_names_the_mapped_field():
    payload = fixture("servicenow", "incident_resolved")
    payload["result"]["caller_id.user_name"] = "x" * 300
    with pytest.raises(MappingError) as err:
        command_for(Mapping.load("servicenow"), payload)
    assert err.value.field == "requester_id"
    assert err.value.expression == '"caller_id.user_name" || caller_id.value || caller_id'


def test_a_ticket_without_email_still_makes_a_ticket_with_its_id():
    payload = fixture("freshservice", "ticket_resolved")
    del payload["ticket"]["requester"]
    command = command_for(Mapping.load("freshservice"), payload)
    assert command.ticket.requester_id == "1000000675" and command.ticket.requester_email is None


def test_without_a_requester_id_the_normalised_address_stands_in():
    mapping = _mapping(requester_email="who")
    ticket = mapping.apply({"id": "T1", "at": "2024-01-01T10:00:00Z", "who": "A.B+x@Ex.org"})
    assert ticket["requester"] == {"id": "a.b@ex.org", "email": "A.B+x@Ex.org", "name": None}


def test_neither_id_nor_email_is_named():
    with pytest.raises(MappingError, match="requester_id: missing .* no requester email"):
        _mapping(requester_email="who").apply({"id": "T1", "at": "2024-01-01T10:00:00Z"})


def test_lookup_default_star_entry_and_unlisted_required_value():
    mapping = _mapping(directorate={"expr": "group", "lookup": "groups"},
                       lookups={"groups": {"Desk": "Customer Services"}})
    base = {"id": "T1", "at": "2024-01-01T10:00:00Z", "who": "u1"}
    assert mapping.apply({**base, "group": "Desk"})["directorate"] == "Customer Services"
    with pytest.raises(MappingError, match="directorate: 'Other' is not in its lookup table"):
        mapping.apply({**base, "group": "Other"})
    starred = _mapping(directorate={"expr": "group", "lookup": "groups"},
                       lookups={"groups": {"Desk": "Customer Services", "*": "Elsewhere"}})
    assert starred.apply({**base, "group": "Other"})["directorate"] == "Elsewhere"


@pytest.mark.parametrize("fmt,value,expected", [
    ("%Y-%m-%d %H:%M:%S", "2024-03-05 14:03:11", "2024-03-05T14:03:11+00:00"),
    ("iso", "2019-05-14T13:22:53.627+0000", "2019-05-14T13:22:53.627000+00:00"),
    ("iso", "2024-01-01T10:00:00Z", "2024-01-01T10:00:00+00:00"),
    ("epoch_ms", 1700000000000, "2023-11-14T22:13:20+00:00"),
    ("epoch_s", "1700000000", "2023-11-14T22:13:20+00:00"),
])
def test_date_formats_vendors_send(fmt, value, expected):
    mapping = _mapping(resolved_at={"expr": "at", "format": fmt})
    assert mapping.apply({"id": "T1", "at": value, "who": "u1"})["resolved_at"] == expected


def test_a_naive_time_is_read_in_the_given_timezone():
    mapping = _mapping(resolved_at={"expr": "at", "format": "%d/%m/%Y %H:%M",
                                    "timezone": "Europe/London"})
    assert mapping.apply({"id": "T1", "at": "01/07/2024 10:00", "who": "u1"})[
        "resolved_at"] == "2024-07-01T10:00:00+01:00"


def test_constants_transforms_and_flags():
    mapping = _mapping(channel={"value": "Phone", "transform": ["lower"]},
                       priority={"expr": "p", "transform": "upper"},
                       auto_closed={"expr": "closed_by_system"})
    ticket = mapping.apply({"id": "T1", "at": "2024-01-01T10:00:00Z", "who": "u1", "p": "p2",
                            "closed_by_system": "yes"})
    assert (ticket["channel"], ticket["priority"], ticket["auto_closed"]) == ("phone", "P2", True)


def test_a_reopen_needs_only_the_ticket_id():
    mapping = _mapping(reopened="state == 'reopened'")
    data = mapping.apply({"id": "T1", "state": "reopened"})
    assert data == {"ticket_id": "T1", "resolution": ANY_RESOLUTION, "reopened": True}
    assert command_for(mapping, {"id": "T1", "state": "reopened"}) == ReopenTicket(
        "T1", ANY_RESOLUTION)


def test_keep_plus_tag_travels_with_the_ticket():
    mapping = Mapping.from_dict({"identity": {"keep_plus_tag": True}, "fields": {
        "ticket_id": "id", "resolved_at": "at", "requester_email": "who", "directorate": {
            "value": "D"}}})
    command = command_for(mapping, {"id": "T1", "at": "2024-01-01T10:00:00Z",
                                    "who": "Ann+Housing@Example.org"})
    assert command.ticket.identity == "ann+housing@example.org"


@pytest.mark.parametrize("data,problem", [
    ({"fields": {"ticket_id": "id"}}, "fields.resolved_at is required"),
    ({"fields": {"colour": "x"}}, "unknown field(s) ['colour']"),
    ({"fields": {"ticket_id": "id["}}, "fields.ticket_id: 'id['"),
    ({"fields": {"ticket_id": {"expr": "a", "value": "b"}}}, "exactly one of expr or value"),
    ({"fields": {"ticket_id": {"expr": "a", "lookup": "nope"}}}, "no [lookups.nope] table"),
    ({"fields": {"ticket_id": {"expr": "a", "type": "money"}}}, "type 'money'"),
    ({"fields": {"ticket_id": {"expr": "a", "timezone": "Mars/Olympus"}}}, "unknown timezone"),
])
def test_a_bad_mapping_file_is_refused_naming_the_entry(data, problem):
    with pytest.raises(MappingFileError) as err:
        Mapping.from_dict(data, origin="m.toml")
    assert problem in str(err.value) and str(err.value).startswith("m.toml")


def test_a_file_that_is_not_toml_or_not_there(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[fields\n")
    with pytest.raises(MappingFileError, match="not valid TOML"):
        Mapping.load(bad)
    with pytest.raises(MappingFileError, match="cannot read it"):
        Mapping.load(tmp_path / "missing.toml")


def _mapping(lookups=None, **fields) -> Mapping:
    base = {"ticket_id": "id", "resolved_at": "at", "requester_id": "who",
            "directorate": {"value": "Customer Services"}}
    base.update(fields)
    if "requester_email" in fields:
        del base["requester_id"]
    return Mapping.from_dict({"fields": base, "lookups": lookups or {}})
