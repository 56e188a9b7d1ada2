"""Personal fields: on the log as a sealed token (chassis.privacy seals and opens them) or, from
a producer outside the suite or before sealing existed, as the plaintext the contract checks.

A token is "pii:v1:<key_id>:<base64url(nonce | ciphertext | tag)>": AES-256-GCM under the data
key `key_id` names (random, so a token says nothing about whose it is). Destroying that key
(crypto-shredding) leaves the token on the log unreadable for ever.
"""
import math
import re

from marshmallow import ValidationError, fields, validate

TOKEN_PREFIX = "pii:v1:"
KEY_ID_LENGTH = 24  # hex: 96 random bits
_OVERHEAD = 12 + 16  # GCM nonce and tag
TOKEN_PATTERN = rf"^pii:v1:[0-9a-f]{{{KEY_ID_LENGTH}}}:[A-Za-z0-9_-]+$"
_TOKEN = re.compile(TOKEN_PATTERN)


def is_sealed(value) -> bool:
    """A sealed token (of any length; Sealable also bounds it)."""
    return type(value) is str and value.startswith(TOKEN_PREFIX) and _TOKEN.match(value) is not None


def token_length(max_chars: int) -> int:
    """The longest token a plaintext of max_chars characters (4 UTF-8 bytes each) seals to."""
    return len(TOKEN_PREFIX) + KEY_ID_LENGTH + 1 + math.ceil((4 * max_chars + _OVERHEAD) * 4 / 3)


class Sealable(fields.String):
    """A personal field: a sealed token, or a plaintext that `inner` checks as before."""

    def __init__(self, inner: fields.Field, max_chars: int, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner
        self.max_token = token_length(max_chars)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text.startswith(TOKEN_PREFIX):
            if len(text) > self.max_token or not is_sealed(text):
                raise ValidationError("Not a valid sealed value.")
            return text
        return self.inner.deserialize(text, attr, data, **kwargs)


def sealable(inner: fields.Field, max_chars: int) -> Sealable:
    """`inner`'s plaintext or a token; required, load_default and allow_none come from `inner`."""
    options = {"required": inner.required, "allow_none": inner.allow_none}
    # A token is never shorter than the plaintext may be: keep inner's minimum, so the OpenAPI
    # documents built from these schemas say what is refused (an empty requester id).
    least = max((v.min or 0 for v in inner.validators if isinstance(v, validate.Length)), default=0)
    if least:
        options["validate"] = validate.Length(min=least)
    # The plaintext's documented pattern and format too (a token matches any text pattern).
    options["metadata"] = dict(inner.metadata)
    if isinstance(inner, fields.Email):
        options["metadata"].setdefault("format", "email")
    if not inner.required:
        options["load_default"] = inner.load_default
    return Sealable(inner, max_chars, **options)


def personal_fields(schema, prefix: str = "") -> list[str]:
    """Dotted paths of a schema's Sealable fields (one level of nesting, as the contracts use)."""
    found = []
    for name, field in schema.fields.items():
        if isinstance(field, Sealable):
            found.append(prefix + name)
        elif isinstance(field, fields.Nested):
            found += personal_fields(field.schema, f"{prefix}{name}.")
    return found
