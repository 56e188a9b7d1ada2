"""A marshmallow schema compiled into plain checks, for the consumer's hot path.

The compiled loader only ever *vouches* for a document: it returns what schema.load would
return, or None when it is not certain (any error, any field or validator type it does not
know), and the caller then asks marshmallow itself. So it can be stricter than the schema,
never looser. A schema with hooks is never compiled.
"""
import math
import uuid
from datetime import datetime
from typing import Callable

from marshmallow import fields, missing, validate

Loader = Callable[[dict], dict | None]
_UNSURE = object()


def _typed(field) -> Callable | None:
    """value -> loaded value, or _UNSURE."""
    if isinstance(field, fields.AwareDateTime):
        def aware(v):
            if type(v) is not str:
                return _UNSURE
            try:
                parsed = datetime.fromisoformat(v)
            except ValueError:
                return _UNSURE
            return parsed if parsed.tzinfo is not None else _UNSURE
        return aware
    if isinstance(field, fields.UUID):
        def as_uuid(v):
            try:
                return uuid.UUID(v) if type(v) is str else _UNSURE
            except ValueError:
                return _UNSURE
        return as_uuid
    if type(field) is fields.String:
        return lambda v: v if type(v) is str else _UNSURE
    if type(field) is fields.Integer:
        return lambda v: v if type(v) is int else _UNSURE
    if type(field) is fields.Float and not field.allow_nan:
        return lambda v: float(v) if type(v) in (int, float) and math.isfinite(v) else _UNSURE
    if type(field) is fields.Boolean:
        return lambda v: v if v is True or v is False else _UNSURE
    if type(field) is fields.Dict and field.key_field is None and field.value_field is None:
        return lambda v: v if type(v) is dict else _UNSURE
    if type(field) is fields.List and type(field.inner) is fields.String and not field.inner.validators:
        return lambda v: list(v) if type(v) is list and all(type(i) is str for i in v) else _UNSURE
    return None


def _check(validator) -> Callable | None:
    if type(validator) is validate.Length and validator.equal is None:
        lo, hi = validator.min, validator.max
        return lambda v: (lo is None or len(v) >= lo) and (hi is None or len(v) <= hi)
    if type(validator) is validate.Range and validator.min_inclusive and validator.max_inclusive:
        lo, hi = validator.min, validator.max
        return lambda v: (lo is None or v >= lo) and (hi is None or v <= hi)
    if type(validator) is validate.OneOf:
        choices = set(validator.choices)
        return lambda v: v in choices
    return None


def compile_loader(schema) -> Loader | None:
    """A fast loader for this schema instance, or None if it cannot be compiled safely."""
    if any(schema._hooks.values()):
        return None
    plan = []
    for name, field in schema.fields.items():
        typed = _typed(field)
        checks = [_check(v) for v in field.validators]
        if typed is None or None in checks or field.dump_only:
            return None
        plan.append((field.data_key or name, name, field.required, field.allow_none,
                     field.load_default, typed, checks))

    def load(doc: dict) -> dict | None:
        if type(doc) is not dict:
            return None
        out = {}
        for key, name, required, allow_none, default, typed, checks in plan:
            if key not in doc:
                if required:
                    return None
                if default is not missing:
                    out[name] = default() if callable(default) else default
                continue
            value = doc[key]
            if value is None:
                if not allow_none:
                    return None
                out[name] = None
                continue
            value = typed(value)
            if value is _UNSURE or not all(check(value) for check in checks):
                return None
            out[name] = value
        return out

    return load
