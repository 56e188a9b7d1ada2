"""Schemas of the structure admin API and of the views of /v1/trends and /v1/totals (#17)."""
from marshmallow import RAISE, Schema, fields, validate

from contracts.text import NAME as NO_CONTROLS

from analysis_svc.domain.structure import KINDS, SPLIT_FIELDS
from analysis_svc.entrypoints.api.schemas import (AggregateArgs, TotalsRowSchema, TrendRowSchema,
                                                  day)

NAME = [validate.Length(min=1, max=100), NO_CONTROLS]
NAME_DOC = {"pattern": NO_CONTROLS.pattern}
ID = [validate.Length(min=1, max=64), validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
ID_DOC = {"pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]*$"}


class ViewArgs(AggregateArgs):
    """The aggregate arguments (`view` is one of every feed's, schemas.ScopeArgs)."""


class MarkerSchema(Schema):
    date = fields.String(metadata={"description": "The change's effective day."})
    kind = fields.String(metadata={"description": ", ".join(KINDS)})
    label = fields.String()


class ViewTrendRowSchema(TrendRowSchema):
    markers = fields.List(fields.Nested(MarkerSchema), metadata={
        "description": "With `view` only: the reorganisations effective in this period that "
                       "touch this row's directorate (chart markers)."})


class ViewTotalsRowSchema(TotalsRowSchema):
    pass


class Strict(Schema):
    class Meta:
        unknown = RAISE


class OrganisationIn(Strict):
    name = fields.String(required=True, validate=NAME, metadata=NAME_DOC)
    id = fields.String(validate=ID, metadata=ID_DOC)


class NamedSchema(Schema):
    name = fields.String()
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)


class NodeSchema(Schema):
    id = fields.String()
    organisation = fields.String()
    kind = fields.String()
    parent = fields.String(allow_none=True)
    name = fields.String(metadata={"description": "Its name today."})
    names = fields.List(fields.Nested(NamedSchema))
    aliases = fields.List(fields.String())


class OrganisationSchema(Schema):
    id = fields.String()
    name = fields.String()
    share_named = fields.Boolean(metadata={
        "description": "Opted in to its named figures in /v1/benchmarks (PATCH to change)."})
    nodes = fields.List(fields.Nested(NodeSchema))


class NodeIn(Strict):
    organisation = fields.String(required=True, validate=ID, metadata=ID_DOC)
    name = fields.String(required=True, validate=NAME, metadata=NAME_DOC)
    kind = fields.String(load_default="directorate",
                         validate=validate.OneOf(("directorate", "service")))
    parent = fields.String(validate=ID, metadata=ID_DOC)
    id = fields.String(validate=ID, metadata=ID_DOC)
    valid_from = day("First day of this name")
    valid_to = day("First day without it")
    aliases = fields.List(fields.String(validate=NAME, metadata=NAME_DOC),
                          validate=validate.Length(max=50))


class CreatedSchema(Schema):
    id = fields.String()


class RuleIn(Strict):
    field = fields.String(required=True, validate=validate.OneOf(SPLIT_FIELDS))
    cases = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=100)),
                        values=fields.String(validate=ID, metadata=ID_DOC),
                        required=True, validate=validate.Length(max=500))
    default = fields.String(validate=ID, allow_none=True, metadata=ID_DOC)


class ReorganisationIn(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    effective = day("The first day under the new structure", required=True)
    sources = fields.List(fields.String(validate=ID, metadata=ID_DOC), required=True,
                          validate=validate.Length(min=1, max=50))
    targets = fields.List(fields.String(validate=ID, metadata=ID_DOC),
                          validate=validate.Length(max=50))
    rule = fields.Nested(RuleIn, metadata={"description": "split: which target each value of "
                                                           "service or team goes to."})
    name = fields.String(validate=NAME, metadata={"description": "rename: the new name.",
                                                  **NAME_DOC})
    organisation = fields.String(validate=ID, metadata={
        "description": "move: the organisation's id.", **ID_DOC})
    label = fields.String(validate=[validate.Length(max=200), NO_CONTROLS], metadata=NAME_DOC)


class ReorganisationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    effective = fields.Date()
    sources = fields.List(fields.String())
    targets = fields.List(fields.String())
    rule = fields.Dict(allow_none=True)
    name = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    label = fields.String()


class StructureSchema(Schema):
    organisations = fields.List(fields.Nested(OrganisationSchema))
    reorganisations = fields.List(fields.Nested(ReorganisationSchema))


class AliasIn(Strict):
    name = fields.String(required=True, validate=NAME, metadata={
        "description": "The name as it arrives (matched ignoring case and spacing).", **NAME_DOC})
    node = fields.String(required=True, validate=ID, metadata=ID_DOC)


class UnknownNameSchema(Schema):
    name = fields.String()
    first_seen = fields.Date(metadata={"description": "Week start of its first answers."})
    last_seen = fields.Date()
    responses = fields.Integer()
