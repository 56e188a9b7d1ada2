"""The compiled loader never accepts what the contract's schema rejects, nor loads it differently."""
import copy
import json
from importlib import resources

import pytest
from marshmallow import ValidationError

from contracts.envelope import EnvelopeSchema
from contracts.registry import EVENTS

from analysis_svc.service_layer.fastload import compile_loader

ODD_VALUES = [None, "", "x" * 2001, 0, -1, 3, 6, 1.5, float("nan"), True, "5", [], {}, ["a", 1],
              "not-a-date", "2026-03-02T09:15:00", "2026-03-02T09:15:00+01:00", "yes", "maybe",
              "00000000-0000-4000-8000-000000000001"]


def _example(event_type: str) -> dict:
    path = resources.files("contracts") / "examples" / f"{event_type}.json"
    return json.loads(path.read_text())


def _variants(doc: dict):
    yield doc
    yield {**doc, "unexpected": 1}
    for key in doc:
        yield {k: v for k, v in doc.items() if k != key}
        for odd in ODD_VALUES:
            yield {**doc, key: odd}


def _agrees(schema, loader, doc) -> None:
    fast = loader(copy.deepcopy(doc))
    if fast is None:
        return
    try:
        slow = schema.load(copy.deepcopy(doc))
    except ValidationError as err:
        pytest.fail(f"fast path accepted what the schema rejects: {doc!r}: {err.messages}")
    assert fast == slow


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_payload_loader_agrees_with_the_schema(event_type):
    schema = EVENTS[event_type].schema()
    loader = compile_loader(schema)
    if loader is None:
        pytest.skip("not compiled: marshmallow handles this type")
    example = _example(event_type)["data"]
    assert loader(copy.deepcopy(example)) is not None
    for doc in _variants(example):
        _agrees(schema, loader, doc)


def test_envelope_loader_agrees_with_the_schema():
    schema, doc = EnvelopeSchema(), _example("response.submitted")
    loader = compile_loader(schema)
    assert loader(copy.deepcopy(doc)) is not None
    for variant in _variants(doc):
        _agrees(schema, loader, variant)
