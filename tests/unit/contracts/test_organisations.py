"""Organisations (#17): the optional id on tickets and events, and question sets per organisation."""
import copy
import json
from pathlib import Path

import pytest

from contracts.envelope import make_envelope
from contracts.errors import InvalidEvent
from contracts.question_sets import parse_catalogue, parse_set
from contracts.questions import QuestionSetError

RAW = json.loads((Path(__file__).parents[2] / "fixtures" / "question_sets.json").read_text())
EXAMPLES = Path(__file__).parents[3] / "contracts" / "contracts" / "examples"


def _set(name, **changes):
    raw = copy.deepcopy(RAW["sets"][1])
    raw.update(name=name, version=1, **changes)
    return raw


def _data(event_type):
    data = json.loads((EXAMPLES / f"{event_type}.json").read_text())["data"]
    data.pop("organisation")
    return data


@pytest.mark.parametrize("event_type", ["ticket.resolved", "invitation.created",
                                        "response.submitted"])
def test_the_organisation_is_optional_and_left_out_when_not_given(event_type):
    assert "organisation" not in make_envelope(event_type, _data(event_type), "t").data
    given = make_envelope(event_type, {**_data(event_type), "organisation": "north-council"}, "t")
    assert given.data["organisation"] == "north-council"


@pytest.mark.parametrize("bad", ["", "north council", "-north", "north\n", "x" * 65, 7])
def test_an_organisation_must_be_a_slug(bad):
    with pytest.raises(InvalidEvent) as err:
        make_envelope("ticket.resolved", {**_data("ticket.resolved"), "organisation": bad}, "t")
    assert "organisation" in err.value.messages


def test_question_sets_prefer_organisation_then_service_then_directorate():
    catalogue = parse_catalogue({"sets": [
        _set("dir"), _set("dir_svc", service="Email"),
        _set("org_dir", organisation="north"), _set("org_dir_svc", organisation="north",
                                                    service="Email"),
        _set("south_dir", organisation="south")]})
    pick = lambda *args: catalogue.for_ticket(*args).name  # noqa: E731
    assert pick("Digital", "Email", "north") == "org_dir_svc"
    assert pick("Digital", "Phones", "north") == "org_dir"
    assert pick("Digital", "Email", "south") == "south_dir"
    assert pick("Digital", "Email", "east") == "dir_svc"
    assert pick("Digital", "Email") == "dir_svc"
    assert pick("Digital", "Phones", None) == "dir"


def test_a_set_for_an_organisation_serves_no_other_organisation():
    catalogue = parse_catalogue({"sets": [_set("north_only", organisation="north")]})
    assert catalogue.for_ticket("Digital", None, "north").name == "north_only"
    assert catalogue.for_ticket("Digital", None, "south") is None
    assert catalogue.for_ticket("Digital", None) is None


def test_a_bad_organisation_in_a_question_set_names_the_set():
    with pytest.raises(QuestionSetError, match="question set digital@1: organisation must be"):
        parse_set(_set("digital", organisation="North Council"))
