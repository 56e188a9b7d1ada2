"""contracts.fastpath gives exactly Schema.load/dump's result, or gives up (never accepts more)."""
import copy
import json
from pathlib import Path

import pytest
from marshmallow import ValidationError

import contracts
from contracts.envelope import _ENVELOPE
from contracts.fastpath import GiveUp, quick_dump, quick_load
from contracts.registry import EVENTS, schema_for

EXAMPLES = {p.stem: json.loads(p.read_text())
            for p in (Path(contracts.__file__).parent / "examples").glob("*.json")}
ODD_VALUES = [None, "", "x" * 5000, "not a date", "1", 0, -1, 1, 3, 6, 2.5, float("nan"),
              float("inf"), True, False, [], ["a"], {}, {"a": 1}, b"bytes", 10**30,
              "2026-11-10T09:00:00", "2026-11-10", "2026-11-10 09:00", "20261110T090000Z",
              "2026-11-10T09:00:00+01:00", "negative", "yes", ["a", None], ["a", 1], ("a",),
              # control characters: refused in names, line breaks and tabs kept in free text
              "Ops\r\nBcc: x@example.com", "a\nb", "a\tb", "a\r\n", "\x00", "nul\x00", "\x1b[31m",
              "del\x7f", "next\x85line", "line\u2028sep", "form\x0cfeed", ["ok", "bad\r\n"],
              "Service Desk\u00a0(évening)"]


def _outcome(load, data):
    try:
        return "ok", load(data)
    except (ValidationError, GiveUp) as err:
        return "rejected", type(err).__name__


def _variants(data: dict):
    yield data
    yield {**data, "unexpected_field": 1}
    for key in data:
        yield {k: v for k, v in data.items() if k != key}
        for odd in ODD_VALUES:
            yield {**data, key: odd}
    yield "not a dict"
    yield [data]


def _cases():
    for event_type in sorted(EVENTS):
        yield event_type, EXAMPLES[event_type]["data"], schema_for(event_type)
    yield "envelope", EXAMPLES["response.submitted"], _ENVELOPE


@pytest.mark.parametrize("unknown", [None, "raise"])
@pytest.mark.parametrize("name,data,schema", list(_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_quick_load_accepts_only_what_the_schema_accepts_and_gives_the_same_result(
        name, data, schema, unknown):
    for variant in _variants(copy.deepcopy(data)):
        full = _outcome(lambda d: schema.load(d, unknown=unknown), variant)
        quick = _outcome(lambda d: quick_load(schema, d, unknown=unknown), variant)
        if quick[0] == "ok":
            assert full == quick, variant
            assert [type(v) for v in full[1].values()] == [type(v) for v in quick[1].values()]


@pytest.mark.parametrize("name,data,schema", list(_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_quick_load_takes_the_quick_path_for_the_golden_examples(name, data, schema):
    assert quick_load(schema, data) == schema.load(data)


@pytest.mark.parametrize("name,data,schema", list(_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_quick_dump_equals_schema_dump(name, data, schema):
    loaded = schema.load(data)
    assert quick_dump(schema, loaded) == schema.dump(loaded)
    assert list(quick_dump(schema, loaded)) == list(schema.dump(loaded))
    for key in loaded:
        for odd in (None, 1, 2.0, "3", True):
            variant = {**loaded, key: odd}
            try:
                expected = schema.dump(variant)
            except Exception as err:  # noqa: BLE001 - the quick path must fail the same way
                with pytest.raises(type(err)):
                    quick_dump(schema, variant)
            else:
                assert quick_dump(schema, variant) == expected, variant
        assert quick_dump(schema, {k: v for k, v in loaded.items() if k != key}) == \
            schema.dump({k: v for k, v in loaded.items() if k != key})


def test_every_event_field_has_an_inline_case():
    """Guards the speed-up: a field type without one silently costs a marshmallow call."""
    from contracts.fastpath import _loader
    for event_type in EVENTS:
        for name, field in schema_for(event_type).load_fields.items():
            if type(field).__name__ not in ("Dict", "Nested"):
                assert _loader(field, name) is not None, (event_type, name)


def test_plans_live_only_as_long_as_their_schema():
    import gc
    import weakref
    schema = type(schema_for("response.submitted"))()
    quick_load(schema, EXAMPLES["response.submitted"]["data"])
    alive = weakref.ref(schema)
    del schema
    gc.collect()
    assert alive() is None
