"""A quick load and dump for well-formed events, derived from the marshmallow schemas themselves.

Schema.load/dump cost 20-40 us per event, mostly in marshmallow's per-call machinery (error
store, hooks, partial handling), not in the fields. For each schema this module builds, from
its own fields, a loop that handles the plain cases inline (a str for a String, an int for a
strict Integer, ...) and hands every other value to the field's own deserialize/serialize; the
field's validators always run. Anything unusual (a value of another type, a failing validator,
a missing required field, an unknown key under RAISE) makes the quick path give up and the
caller runs the full Schema.load, so rejections and their messages are marshmallow's own.
The schemas stay the single source of truth; tests check both paths agree.
"""
import datetime as dt
import math
from functools import wraps

from marshmallow import RAISE, Schema, ValidationError, fields, missing

from contracts.personal import TOKEN_PREFIX, Sealable, is_sealed

__all__ = ["GiveUp", "load", "quick_load", "quick_dump"]


class GiveUp(Exception):
    """The quick path cannot decide; run the full schema."""


def _per_schema(build):
    """Cache build(schema) on the schema instance: it lives as long as the schema does (callers
    may make many instances; the plan refers back to the schema's fields, so no weak mapping)."""
    name = f"_contracts_{build.__name__}"

    @wraps(build)
    def plan(schema):
        try:
            return schema.__dict__[name]
        except KeyError:
            schema.__dict__[name] = found = build(schema)
            return found
    return plan


# Field classes whose common input type converts trivially: (accepted types, convert, check).
_PLAIN_LOAD = {
    fields.String: ((str,), None, None),
    fields.Integer: ((int,), None, None),
    fields.Boolean: ((bool,), None, None),
    fields.Float: ((float, int), float, math.isfinite),
}
_PLAIN_DUMP = {fields.String: str, fields.Integer: int, fields.Float: float, fields.Boolean: bool,
               Sealable: str}


def _iso_datetime(field) -> bool:
    """An AwareDateTime that marshmallow itself reads with fromisoformat and writes with isoformat."""
    if type(field) is not fields.AwareDateTime:
        return False
    fmt = field.format or field.DEFAULT_FORMAT
    return (field.DESERIALIZATION_FUNCS.get(fmt) == dt.datetime.fromisoformat
            and field.SERIALIZATION_FUNCS.get(fmt) is dt.datetime.isoformat)


def _aware_datetime(field):
    zone = field.default_timezone

    def convert(value):
        if type(value) is str:
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                raise GiveUp from None
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            if zone is None:
                raise GiveUp
            value = value.replace(tzinfo=zone)
        return value
    return ((str, dt.datetime), convert, None)


def _list_of(field):
    inner = _loader(field.inner, None)
    if inner is None and type(field.inner) is fields.Nested:
        # a list of small objects (response answers): the nested schema checks each one
        inner = lambda value, data: field.inner.deserialize(value)  # noqa: E731
    if inner is None:
        return None

    def convert(value):
        return [inner(each, None) if each is not None else _give_up() for each in value]
    return ((list,), convert, None)


def _give_up():
    raise GiveUp


def _sealable(field, key):
    """A personal field: a token as it is, a plaintext as its inner field loads it."""
    inner, limit = _field_loader(field.inner, key), field.max_token

    def load(value, data):
        if type(value) is not str:
            return field.deserialize(value, key, data)
        if value.startswith(TOKEN_PREFIX):
            if len(value) > limit or not is_sealed(value):
                raise GiveUp
            return value
        return inner(value, data)
    return load


def _loader(field, key):
    """A quick load for one field; None when the field has no plain case."""
    if getattr(field, "pre_load", None) or getattr(field, "post_load", None):
        return None
    if type(field) is Sealable:
        return _sealable(field, key)
    plain = _PLAIN_LOAD.get(type(field))
    if plain is not None and type(field) is fields.Float and getattr(field, "allow_nan", False):
        plain = (plain[0], float, None)
    elif _iso_datetime(field):
        plain = _aware_datetime(field)
    elif type(field) is fields.List:
        plain = _list_of(field)
    if plain is None:
        return None
    accepted, convert, check = plain
    validators = tuple(field.validators)

    def load(value, data):
        if type(value) not in accepted:
            return field.deserialize(value, key, data)
        if check is not None and not check(value):
            raise GiveUp
        if convert is not None:
            value = convert(value)
        for validator in validators:
            validator(value)
        return value
    return load


def _field_loader(field, key):
    quick = _loader(field, key)
    return quick or (lambda value, data: field.deserialize(value, key, data))


@_per_schema
def _load_plan(schema: Schema):
    if any(schema._hooks.values()):
        return None
    plan = []
    for name, field in schema.load_fields.items():
        key = field.data_key if field.data_key is not None else name
        attribute = field.attribute or name
        if "." in attribute:
            return None
        plan.append((key, attribute, field.required, field.allow_none, field.load_default,
                     _field_loader(field, key)))
    return tuple(plan), frozenset(p[0] for p in plan)


def quick_load(schema: Schema, data, *, unknown: str | None = None) -> dict:
    """schema.load(data, unknown=unknown) for well-formed data; raises GiveUp otherwise."""
    compiled = _load_plan(schema)
    if compiled is None or type(data) is not dict:
        raise GiveUp
    plan, known = compiled
    if (unknown or schema.unknown) == RAISE and not known.issuperset(data):
        raise GiveUp
    out = schema.dict_class()
    try:
        for key, attribute, required, allow_none, default, load in plan:
            value = data.get(key, missing)
            if value is missing:
                if required:
                    raise GiveUp
                if default is missing:
                    continue
                out[attribute] = default() if callable(default) else default
            elif value is None:
                if not allow_none:
                    raise GiveUp
                out[attribute] = None
            else:
                out[attribute] = load(value, data)
    except ValidationError:
        raise GiveUp from None
    return out


def load(schema: Schema, data, *, unknown: str | None = None, full=None) -> dict:
    """schema.load(data, unknown=unknown): the quick path when it can settle the data, else the
    full load (`full`, default schema.load; a schema whose own load calls this passes its
    parent's), so every rejection and its messages are marshmallow's own."""
    try:
        return quick_load(schema, data, unknown=unknown)
    except GiveUp:
        return (full or schema.load)(data, unknown=unknown)


def _dumper(field, name):
    plain = None if getattr(field, "as_string", False) else _PLAIN_DUMP.get(type(field))
    none_is_none = plain is not None or isinstance(field, (fields.DateTime, fields.List))
    iso = _iso_datetime(field)
    strings = type(field) is fields.List and type(field.inner) is fields.String

    def dump(value, obj, accessor):
        if (value is None and none_is_none) or (plain is not None and type(value) is plain):
            return value
        if iso and type(value) is dt.datetime:
            return value.isoformat()
        if strings and type(value) is list and all(type(each) is str for each in value):
            return list(value)
        return field.serialize(name, obj, accessor=accessor)
    return dump


@_per_schema
def _dump_plan(schema: Schema):
    if any(schema._hooks.values()):
        return None
    plan = []
    for name, field in schema.dump_fields.items():
        attribute = field.attribute or name
        if "." in attribute or not field._CHECK_ATTRIBUTE:
            return None
        plain = None if getattr(field, "as_string", False) else _PLAIN_DUMP.get(type(field))
        plan.append((attribute, field.data_key if field.data_key is not None else name,
                     field.dump_default, _dumper(field, attribute), plain or _Never))
    return tuple(plan)


class _Never:
    """A type no value has: the inline check of a field without a plain dump type."""


def quick_dump(schema: Schema, obj) -> dict:
    """schema.dump(obj), with the plain cases inline; the full dump for anything else."""
    plan = _dump_plan(schema)
    if plan is None or type(obj) is not dict:
        return schema.dump(obj)
    out = schema.dict_class()
    accessor = schema.get_attribute
    for attribute, key, default, dump, plain in plan:
        value = obj.get(attribute, missing)
        if type(value) is plain:  # dump would return it as is; inline, a call less per field
            out[key] = value
            continue
        if value is missing:
            if default is missing:
                continue
            return schema.dump(obj)
        out[key] = dump(value, obj, accessor)
    return out
