"""The API schemas' quick load gives exactly marshmallow's answer: the same data or the same errors."""
import pytest
from marshmallow import Schema, ValidationError

from ingest_svc.entrypoints.api.schemas import BatchLineIn, ResponseIn, placed

GOOD = {"score": 4, "directorate": "Place", "team": "Desk", "ticket_id": "INC1"}
CASES = [
    GOOD, {"score": 1, "directorate": "A"},
    {**GOOD, "resolved": "not_sure", "comment": "<b>fine</b>", "service": "Email", "category": "HW",
     "invitation_id": "0" * 32, "language": "cy", "channel": "kiosk"},
    {**GOOD, "resolved": None, "comment": None, "channel": None},
    {**GOOD, "score": 0}, {**GOOD, "score": 6}, {**GOOD, "score": "abc"}, {**GOOD, "score": "4"},
    {**GOOD, "score": True}, {**GOOD, "score": 4.0}, {"score": 4}, {**GOOD, "directorate": ""},
    {**GOOD, "comment": "x" * 10_000}, {**GOOD, "extra": 1}, {**GOOD, "resolved": "maybe"},
    {**GOOD, "invitation_id": "not-hex"}, {**GOOD, "language": None}, {**GOOD, "channel": ""},
    {**GOOD, "team": 5}, [GOOD], "text", None,
    {"score": 4, "invitation_id": "0" * 32}, {**GOOD, "directorate": "Place\r\nBcc: x"},
    {**GOOD, "team": "Desk\u2028"}, {**GOOD, "comment": "two\r\nlines\tok"}, {**GOOD, "comment": "\x00"},
    {**GOOD, "channel": "email_reply"}, {**GOOD, "ticket_id": "INC\n1"},
]


def outcome(load, data):
    try:
        return "ok", load(data)
    except ValidationError as err:
        return "error", err.messages


@pytest.mark.parametrize("schema", [ResponseIn(), BatchLineIn()])
@pytest.mark.parametrize("data", CASES)
def test_quick_load_agrees_with_marshmallow(schema, data):
    assert outcome(schema.load, data) == outcome(lambda d: placed(Schema.load(schema, d)), data)


def test_batch_line_keeps_its_idempotency_key():
    assert BatchLineIn().load({**GOOD, "idempotency_key": "k-1"})["idempotency_key"] == "k-1"
    with pytest.raises(ValidationError):
        BatchLineIn().load({**GOOD, "idempotency_key": ""})


@pytest.mark.parametrize("field", ["directorate", "service", "category", "team", "ticket_id",
                                   "language", "channel"])
def test_name_fields_refuse_control_characters(field):
    for schema in (ResponseIn(), BatchLineIn()):
        with pytest.raises(ValidationError) as refused:
            schema.load({**GOOD, field: "en\r\nBcc"})
        assert list(refused.value.messages) == [field]
        assert "U+000D" in refused.value.messages[field][0]


def test_an_answer_names_its_invitation_or_its_directorate():
    assert ResponseIn().load({"score": 4, "invitation_id": "0" * 32})["directorate"] is None
    with pytest.raises(ValidationError) as refused:
        ResponseIn().load({"score": 4})
    assert list(refused.value.messages) == ["directorate"]

