"""Personal fields take their plaintext (checked as before) or a sealed token; nothing else."""
import copy
import json
from pathlib import Path

import jsonschema
import pytest

import contracts
from contracts.envelope import decode, encode, make_envelope
from contracts.errors import InvalidEvent
from contracts.export import json_schema
from contracts.fastpath import GiveUp, quick_load
from contracts.personal import is_sealed, token_length
from contracts.registry import PERSONAL, schema_for
from contracts.topics import FOREVER, RETENTION_MS, TOPICS

EXAMPLES = {p.stem: json.loads(p.read_text())
            for p in (Path(contracts.__file__).parent / "examples").glob("*.json")}
KEY_ID = "0123456789abcdef01234567"
TOKEN = f"pii:v1:{KEY_ID}:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIj"


def _set(data: dict, path: str, value) -> dict:
    data = copy.deepcopy(data)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    return data


def test_each_event_type_names_its_personal_fields():
    assert {name: fields for name, fields in PERSONAL.items() if fields} == {
        "ticket.resolved": ("requester.id", "requester.email", "requester.name"),
        "invitation.created": ("requester_id", "requester_name"),
        "response.submitted": ("comment", "text_answers"),
        "response.amended": ("comment", "text_answers"),
        "response.scored": ("redacted_comment",),
        "alert.detractor": ("redacted_comment",),
    }


PERSONAL_PATHS = [(name, path) for name, paths in sorted(PERSONAL.items()) for path in paths]


@pytest.mark.parametrize("event_type,path", PERSONAL_PATHS)
def test_a_sealed_token_is_accepted_and_travels_unchanged(event_type, path):
    doc = copy.deepcopy(EXAMPLES[event_type])
    doc["data"] = _set(doc["data"], path, TOKEN)
    assert json.loads(encode(decode(json.dumps(doc)))) == doc
    jsonschema.Draft202012Validator(json_schema(event_type)).validate(doc)


@pytest.mark.parametrize("event_type,path", PERSONAL_PATHS)
@pytest.mark.parametrize("bad", ["pii:v1:not-a-key:AAAA", f"pii:v1:{KEY_ID}:has space",
                                 f"pii:v1:{KEY_ID}:" + "A" * 20_000])
def test_a_malformed_or_oversized_token_is_refused_on_both_paths(event_type, path, bad):
    data = _set(EXAMPLES[event_type]["data"], path, bad)
    with pytest.raises(GiveUp):
        quick_load(schema_for(event_type), data)
    with pytest.raises(InvalidEvent):
        make_envelope(event_type, data, "test")


def test_plaintext_is_still_checked_as_before():
    data = _set(EXAMPLES["ticket.resolved"]["data"], "requester.email", "not an address")
    with pytest.raises(InvalidEvent) as err:
        make_envelope("ticket.resolved", data, "test")
    assert err.value.messages["requester"]["email"] == ["Not a valid email address."]


def test_the_longest_plaintext_fits_its_token_bound():
    from contracts.events.responses import MAX_COMMENT
    assert token_length(MAX_COMMENT) >= len("pii:v1:") + 25 + (4 * MAX_COMMENT + 28) * 4 // 3
    assert is_sealed(TOKEN) and not is_sealed("pii:v1:") and not is_sealed(None)


def test_every_topic_has_an_explicit_retention_and_the_facts_are_kept_for_ever():
    assert set(RETENTION_MS) == set(TOPICS)
    for topic in ("surveys.lifecycle", "feedback.responses", "feedback.scored", "feedback.alerts",
                  "privacy.requests"):
        assert RETENTION_MS[topic] == FOREVER
    assert RETENTION_MS["feedback.responses.dlq"] == 30 * 24 * 3600 * 1000
