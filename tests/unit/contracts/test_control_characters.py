"""Contracts refuse control characters in every name, id and label; free text keeps line breaks."""
import copy
import json
from pathlib import Path

import jsonschema
import pytest
from marshmallow import ValidationError, fields

import contracts
from contracts.envelope import decode, make_envelope
from contracts.errors import InvalidEvent
from contracts.export import json_schema
from contracts.fastpath import load
from contracts.personal import Sealable
from contracts.registry import EVENTS, schema_for

EXAMPLES = {p.stem: json.loads(p.read_text())
            for p in (Path(contracts.__file__).parent / "examples").glob("*.json")}
FREE_TEXT = {"comment", "redacted_comment", "reason", "text_answers"}
DEAD_LETTER = "message.rejected"  # keeps whatever was refused, by design
HEADER_INJECTION = "Adult Social Care\r\nBcc: everyone@example.com"


def _string_fields(schema, prefix=()):
    """(path, field) for every String field, nested schemas and lists of strings included."""
    for name, field in schema.load_fields.items():
        if isinstance(field, Sealable):  # a personal field: its plaintext is checked as before
            field = field.inner
        if isinstance(field, fields.Nested):
            yield from _string_fields(field.schema, (*prefix, name))
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.String):
            yield (*prefix, name), field
        elif isinstance(field, fields.String) and not isinstance(field, fields.Email):
            yield (*prefix, name), field


def _name_fields():
    for event_type in sorted(EVENTS):
        if event_type == DEAD_LETTER:
            continue
        for path, field in _string_fields(schema_for(event_type)):
            if path[-1] not in FREE_TEXT and not _one_of(field):
                yield event_type, path, field


def _one_of(field) -> bool:
    return any(type(v).__name__ == "OneOf" for v in field.validators)


def _with(data: dict, path: tuple, value) -> dict:
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def _messages(data: dict, path: tuple):
    for key in path:
        data = data[key]
    return data


@pytest.mark.parametrize("bad", [HEADER_INJECTION, "tab\there", "nul\x00", "esc\x1b[2J", "del\x7f",
                                 "next\x85line", "line\u2028separator"])
@pytest.mark.parametrize("event_type,path,field", list(_name_fields()),
                         ids=lambda v: ".".join(v) if isinstance(v, tuple) else v if isinstance(v, str) else "")
def test_every_name_field_refuses_control_characters_with_a_field_message(event_type, path, field, bad):
    value = [bad] if isinstance(field, fields.List) else bad
    data = _with(EXAMPLES[event_type]["data"], path, value)
    with pytest.raises(InvalidEvent) as err:
        make_envelope(event_type, data, "test")
    message = _messages(err.value.messages, path)
    text = json.dumps(message)
    assert "Must not contain control characters: U+" in text and "at position" in text


def test_the_guard_covers_the_fields_the_issue_names():
    covered = {(event_type, ".".join(path)) for event_type, path, _ in _name_fields()}
    for needed in [("ticket.resolved", "directorate"), ("ticket.resolved", "service"),
                   ("ticket.resolved", "team"), ("ticket.resolved", "category"),
                   ("ticket.resolved", "channel"), ("ticket.resolved", "requester.name"),
                   ("ticket.resolved", "ticket_id"), ("response.submitted", "source"),
                   ("response.submitted", "language"), ("invitation.created", "requester_name"),
                   ("alert.detractor", "directorate"), ("response.scored", "themes")]:
        assert needed in covered


def test_a_consumer_refuses_a_crlf_directorate_on_decode():
    doc = _with(EXAMPLES["alert.detractor"], ("data", "directorate"), HEADER_INJECTION)
    with pytest.raises(InvalidEvent) as err:
        decode(json.dumps(doc))
    assert list(err.value.messages) == ["directorate"]


def test_requester_email_with_a_line_break_is_refused():
    data = _with(EXAMPLES["ticket.resolved"]["data"], ("requester", "email"), "sam@example.com\r\n")
    with pytest.raises(InvalidEvent) as err:
        make_envelope("ticket.resolved", data, "test")
    assert "email" in err.value.messages["requester"]


def test_envelope_producer_is_a_name_too():
    doc = dict(EXAMPLES["response.submitted"], producer="ingest\r\nsvc")
    with pytest.raises(InvalidEvent) as err:
        decode(json.dumps(doc))
    assert "producer" in err.value.messages


@pytest.mark.parametrize("event_type,field", [("response.submitted", "comment"),
                                              ("response.scored", "redacted_comment"),
                                              ("invitation.bounced", "reason")])
def test_free_text_keeps_line_breaks_and_tabs_but_refuses_other_controls(event_type, field):
    kept = "First line\r\nSecond\tline\n\u2028cp1252 quote \x92 as decoded from latin-1"
    data = _with(EXAMPLES[event_type]["data"], (field,), kept)
    assert make_envelope(event_type, data, "test").data[field] == kept
    for bad in ["nul\x00", "bell\x07", "esc\x1b[2J", "form\x0cfeed", "vt\x0b", "del\x7f"]:
        with pytest.raises(InvalidEvent) as err:
            make_envelope(event_type, _with(data, (field,), bad), "test")
        assert list(err.value.messages) == [field]


def test_dead_letters_keep_whatever_was_refused():
    data = dict(EXAMPLES[DEAD_LETTER]["data"], key="k\r\n\x00", reason="bad\x00 directorate\r\n",
                value='{"directorate": "A\\r\\nB"}\x00', topic="t\x1b")
    assert make_envelope(DEAD_LETTER, data, "test").data["key"] == "k\r\n\x00"


def test_unicode_names_are_still_welcome():
    name = "Gwasanaethau Cymdeithasol – Oedolion (Ynys Môn) 日本 \u00a0👍"
    data = _with(EXAMPLES["ticket.resolved"]["data"], ("directorate",), name)
    assert make_envelope("ticket.resolved", data, "test").data["directorate"] == name


@pytest.mark.parametrize("event_type", ["ticket.resolved", "response.submitted", "alert.detractor"])
def test_exported_json_schema_refuses_the_same_directorate(event_type):
    validator = jsonschema.Draft202012Validator(json_schema(event_type))
    doc = _with(EXAMPLES[event_type], ("data", "directorate"), HEADER_INJECTION)
    errors = list(validator.iter_errors(doc))
    assert [list(e.path) for e in errors] == [["data", "directorate"]]


def test_quick_path_and_full_load_refuse_alike():
    schema = schema_for("response.submitted")
    data = _with(EXAMPLES["response.submitted"]["data"], ("team",), "Desk\n")
    with pytest.raises(ValidationError) as quick:
        load(schema, data)
    with pytest.raises(ValidationError) as full:
        schema.load(data)
    assert quick.value.messages == full.value.messages == {
        "team": ["Must not contain control characters: U+000A (line feed) at position 4."]}
