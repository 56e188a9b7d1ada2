"""The API schemas' quick load gives exactly marshmallow's answer: the same data or the same errors."""
import pytest
from marshmallow import Schema, ValidationError

from ingest_svc.entrypoints.api.schemas import BatchLineIn, ResponseIn

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
]


def outcome(load, data):
    try:
        return "ok", load(data)
    except ValidationError as err:
        return "error", err.messages


@pytest.mark.parametrize("schema", [ResponseIn(), BatchLineIn()])
@pytest.mark.parametrize("data", CASES)
def test_quick_load_agrees_with_marshmallow(schema, data):
    assert outcome(schema.load, data) == outcome(lambda d: Schema.load(schema, d), data)


def test_batch_line_keeps_its_idempotency_key():
    assert BatchLineIn().load({**GOOD, "idempotency_key": "k-1"})["idempotency_key"] == "k-1"
    with pytest.raises(ValidationError):
        BatchLineIn().load({**GOOD, "idempotency_key": ""})
