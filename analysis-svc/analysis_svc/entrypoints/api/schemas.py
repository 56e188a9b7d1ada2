"""Request and response schemas of the feeds (they are the OpenAPI documentation too)."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from analysis_svc.adapters.orm import COHORT

NAME = validate.Length(min=1, max=100)


class ScopeArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    directorate = fields.String(validate=NAME)
    service = fields.String(validate=NAME)
    team = fields.String(validate=NAME)
    start = fields.Date(data_key="from", metadata={"description": "First day (ISO date)."})
    end = fields.Date(data_key="to", metadata={"description": "Last day (ISO date)."})

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("Must not be after 'to'.", "from")


def _group_by(value: str) -> None:
    if value == "":
        return  # no grouping: one row for everything in scope
    parts = value.split(",")
    if not all(p in COHORT for p in parts) or len(set(parts)) != len(parts):
        raise ValidationError("Use a comma-separated list of directorate, service, team.")


class AggregateArgs(ScopeArgs):
    period = fields.String(load_default="week", validate=validate.OneOf(["week", "month"]))
    group_by = fields.String(load_default="directorate", validate=_group_by,
                             metadata={"description": "Comma list of directorate, service, team; "
                                                      "empty for one row over the whole scope."})


class ResponseArgs(ScopeArgs):
    label = fields.String(validate=validate.OneOf(["negative", "neutral", "positive"]))
    theme = fields.String(validate=validate.Length(min=1, max=64))
    min_score = fields.Integer(validate=validate.Range(min=1, max=5))
    max_score = fields.Integer(validate=validate.Range(min=1, max=5))
    disagreement = fields.Boolean()
    with_comment = fields.Boolean()


class PageArgs(ResponseArgs):
    cursor = fields.String(validate=validate.Length(max=300))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


P_VALUE = "Raw two-sided p-value of this one test."
P_ADJUSTED = ("Benjamini-Hochberg adjusted p-value (q-value) across every change and trend test "
              "in this answer (its family).")
SIGNIFICANT = ("p_adjusted <= SIGNIFICANCE_LEVEL: the false discovery rate across the family is "
               "held at that level.")
FAMILY_SIZE = "How many tests this answer's family holds."


class ChangeSchema(Schema):
    previous_csat = fields.Float()
    delta = fields.Float()
    p_value = fields.Float(metadata={"description": P_VALUE})
    p_adjusted = fields.Float(metadata={"description": P_ADJUSTED})
    family_size = fields.Integer(metadata={"description": FAMILY_SIZE})
    significant = fields.Boolean(metadata={"description": SIGNIFICANT})


class TrendTestSchema(Schema):
    periods = fields.Integer()
    z = fields.Float()
    p_value = fields.Float(metadata={"description": P_VALUE})
    p_adjusted = fields.Float(metadata={"description": P_ADJUSTED})
    family_size = fields.Integer(metadata={"description": FAMILY_SIZE})
    direction = fields.String(metadata={"description": "up or down when significant, else flat."})
    significant = fields.Boolean(metadata={"description": SIGNIFICANT})


class ThemeShareSchema(Schema):
    theme = fields.String()
    count = fields.Integer()
    share = fields.Float(allow_none=True)


class MeasuresSchema(Schema):
    directorate = fields.String(allow_none=True)
    service = fields.String(allow_none=True)
    team = fields.String(allow_none=True)
    responses = fields.Integer(allow_none=True)
    invitations = fields.Integer(allow_none=True)
    response_rate = fields.Float(allow_none=True)
    csat = fields.Float(allow_none=True, metadata={"description": "Share of scores 4-5."})
    csat_low = fields.Float(allow_none=True, metadata={"description": "Wilson 95% lower bound."})
    csat_high = fields.Float(allow_none=True, metadata={"description": "Wilson 95% upper bound."})
    mean_score = fields.Float(allow_none=True)
    mean_sentiment = fields.Float(allow_none=True, metadata={
        "description": "Mean compound sentiment of the commented responses, in [-1, 1]."})
    sentiment_ci_low = fields.Float(allow_none=True, metadata={
        "description": "95% Student-t lower bound of mean_sentiment (null under 2 comments)."})
    sentiment_ci_high = fields.Float(allow_none=True, metadata={
        "description": "95% Student-t upper bound of mean_sentiment."})
    detractors = fields.Integer(allow_none=True)
    suppressed = fields.Boolean(metadata={"description": "Fewer responses than MIN_CELL_SIZE."})


class CellSchema(MeasuresSchema):
    period = fields.String()
    change = fields.Nested(ChangeSchema, allow_none=True)


class TotalsRowSchema(MeasuresSchema):
    period_from = fields.String(metadata={"description": "First period key of the window."})
    period_to = fields.String(metadata={"description": "Last period key of the window."})
    change = fields.Nested(ChangeSchema, allow_none=True, metadata={
        "description": "CSAT against the window of the same length just before."})
    trend = fields.Nested(TrendTestSchema, allow_none=True)


class TrendRowSchema(CellSchema):
    period_start = fields.String()


class SummarySchema(CellSchema):
    trend = fields.Nested(TrendTestSchema, allow_none=True)
    top_themes = fields.List(fields.Nested(ThemeShareSchema))


class ThemesRowSchema(Schema):
    directorate = fields.String(allow_none=True)
    service = fields.String(allow_none=True)
    team = fields.String(allow_none=True)
    period_from = fields.String()
    period_to = fields.String()
    responses = fields.Integer(allow_none=True)
    commented = fields.Integer(allow_none=True)
    suppressed = fields.Boolean()
    themes = fields.List(fields.Nested(ThemeShareSchema))


class ResponseSchema(Schema):
    response_id = fields.String()
    version = fields.Integer()
    invitation_id = fields.String(allow_none=True, metadata={
        "description": "Admin token only: partner tokens never see it (it addresses an answer)."})
    submitted_at = fields.String()
    directorate = fields.String()
    service = fields.String(allow_none=True)
    team = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    channel = fields.String()
    score = fields.Integer()
    resolved = fields.String(allow_none=True)
    label = fields.String()
    compound = fields.Float()
    themes = fields.List(fields.String())
    disagreement = fields.Boolean()
    comment = fields.String(allow_none=True, metadata={"description": "Redacted comment."})


class ResponsePageSchema(Schema):
    items = fields.List(fields.Nested(ResponseSchema))
    next_cursor = fields.String(allow_none=True)


class AnalyzeArgs(Schema):
    text = fields.String(required=True, validate=validate.Length(max=5000))
    score = fields.Integer(validate=validate.Range(min=1, max=5))


class AnalysisSchema(Schema):
    label = fields.String()
    compound = fields.Float()
    themes = fields.List(fields.String())
    redacted = fields.String(allow_none=True)
    disagreement = fields.Boolean()
