import json
from pathlib import Path

import jsonschema
import pytest

import contracts
from contracts import export
from contracts.compat import breaking_changes
from contracts.envelope import decode, encode, make_envelope, to_dict
from contracts.errors import InvalidEvent
from contracts.registry import EVENTS
from contracts.topics import TOPICS

PKG = Path(contracts.__file__).parent
EXAMPLES = {p.stem: json.loads(p.read_text()) for p in (PKG / "examples").glob("*.json")}


def test_every_event_has_a_golden_example_and_a_known_topic():
    assert set(EXAMPLES) == set(EVENTS)
    assert {spec.topic for spec in EVENTS.values()} <= set(TOPICS)


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_golden_example_round_trips(event_type):
    doc = EXAMPLES[event_type]
    assert json.loads(encode(decode(json.dumps(doc)))) == doc


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_golden_example_matches_exported_json_schema(event_type):
    schema = json.loads((PKG / "jsonschema" / f"{event_type}.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(EXAMPLES[event_type])


def test_committed_json_schema_is_current():
    for name, text in export.render_all().items():
        assert (PKG / "jsonschema" / name).read_text() == text, f"{name} is stale: run contracts-export"


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_schema_stays_compatible_with_its_released_baseline(event_type):
    baseline = json.loads((PKG / "baseline" / f"{event_type}.json").read_text())
    assert breaking_changes(baseline, export.json_schema(event_type)) == []


def test_compatibility_check_catches_removed_renamed_and_retyped_fields():
    old = export.json_schema("response.submitted")
    new = json.loads(json.dumps(old))
    data = new["$defs"]["ResponseSubmitted"]
    data["properties"]["rating"] = data["properties"].pop("score")
    data["required"] = [f if f != "score" else "rating" for f in data["required"]]
    data["properties"]["version"] = {"type": "string"}
    problems = breaking_changes(old, new)
    assert "data.score: removed" in problems
    assert "data.rating: newly required" in problems
    assert any(p.startswith("data.version: type") for p in problems)


def test_consumers_ignore_unknown_fields_but_producers_refuse_them():
    doc = json.loads(json.dumps(EXAMPLES["response.submitted"]))
    doc["data"]["added_later"] = "x"
    doc["also_new"] = 1
    assert "added_later" not in decode(json.dumps(doc)).data
    with pytest.raises(InvalidEvent) as err:
        make_envelope("response.submitted", dict(EXAMPLES["response.submitted"]["data"], bogus=1), "t")
    assert "bogus" in err.value.messages


@pytest.mark.parametrize("raw, field", [
    (b"not json", "_schema"),
    (b'{"event_type": "response.submitted"}', "event_id"),
    (json.dumps(dict(EXAMPLES["response.submitted"], event_type="nope")).encode(), "event_type"),
])
def test_decode_rejects_bad_messages_with_field_messages(raw, field):
    with pytest.raises(InvalidEvent) as err:
        decode(raw)
    assert field in err.value.messages


@pytest.mark.parametrize("score", [0, 6, "5", None])
def test_response_scores_are_whole_numbers_from_one_to_five(score):
    data = dict(EXAMPLES["response.submitted"]["data"], score=score)
    with pytest.raises(InvalidEvent) as err:
        make_envelope("response.submitted", data, "t")
    assert "score" in err.value.messages


def test_key_falls_back_to_response_id_for_the_api_channel():
    data = dict(EXAMPLES["response.submitted"]["data"], invitation_id=None)
    env = make_envelope("response.submitted", data, "t")
    assert env.key == data["response_id"]
    assert env.topic == "feedback.responses"
    assert to_dict(env)["data"]["invitation_id"] is None
