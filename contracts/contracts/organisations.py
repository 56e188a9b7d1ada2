"""An organisation's id as tickets, events and config carry it: a short slug (analysis-svc's
structure ids follow the same rule), e.g. "north-council"."""
import re

from marshmallow import ValidationError, fields, validate

from contracts.text import NAME

MAX_LENGTH = 64
PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
# fullmatch: a "$" alone would let a trailing line break through.
_FULL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def is_organisation_id(value) -> bool:
    return isinstance(value, str) and len(value) <= MAX_LENGTH and bool(_FULL.fullmatch(value))


class OrganisationId(validate.Validator):
    """Refuse anything but a slug of letters, digits, '.', '_' and '-' (not first), 1-64 long."""

    pattern = PATTERN

    def __call__(self, value: str) -> str:
        if not is_organisation_id(value):
            raise ValidationError("Must be an organisation id: letters, digits, '.', '_' or '-' "
                                  f"(starting with a letter or digit), at most {MAX_LENGTH}.")
        return value

    def _repr_args(self) -> str:
        return ""


def organisation_field(**kwargs) -> fields.String:
    """Optional on every event and request that has it: absent means none was given."""
    # NAME first: a control character is named like in every other name field.
    return fields.String(validate=[validate.Length(min=1, max=MAX_LENGTH), NAME, OrganisationId()],
                         metadata={"pattern": PATTERN}, allow_none=True, **kwargs)
