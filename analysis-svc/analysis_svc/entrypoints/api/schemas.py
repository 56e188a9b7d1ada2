"""Request and response schemas of the feeds (they are the OpenAPI documentation too)."""
from itertools import permutations

from marshmallow import RAISE, Schema, fields, validate

from analysis_svc.adapters.orm import COHORT
from analysis_svc.domain.periods import FIRST_DAY, LAST_DAY

NAME = validate.Length(min=1, max=100)
VIEWS = ("as_was", "as_now")
VIEW_DOC = ("as_was (default): directorates as answers were given under them; as_now: regrouped "
            "into today's structure (every recorded reorganisation applied, a split's past by its "
            "rule). Scope and the directorate filter apply to the view's names (#17).")
# The documented form of FIRST_DAY..LAST_DAY, so a client (or a fuzzer) knows the range.
DAY_PATTERN = r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"


class WholeNumber(fields.Integer):
    """JSON Schema's integer: 3 or 3.0, never 3.5 (marshmallow alone would cut it to 3)."""

    def _validated(self, value) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def day(description: str, **kwargs) -> fields.Date:
    """An ISO date from FIRST_DAY to LAST_DAY; outside it, 400 naming the parameter."""
    return fields.Date(validate=validate.Range(
        FIRST_DAY, LAST_DAY, error=f"Must be a day from {FIRST_DAY} to {LAST_DAY}."),
        metadata={"description": f"{description} (ISO date, {FIRST_DAY} to {LAST_DAY}).",
                  "pattern": DAY_PATTERN}, **kwargs)


class ScopeArgs(Schema):
    class Meta:
        # A misspelt filter (?directrate=) silently widened the answer: 400 naming it instead
        # (the views pass unknown=RAISE too: webargs excludes unknown query keys by default).
        unknown = RAISE

    directorate = fields.String(validate=NAME)
    service = fields.String(validate=NAME)
    team = fields.String(validate=NAME)
    # from after to is an empty window (an empty answer), not an error: no schema can say it.
    start = day("First day", data_key="from")
    end = day("Last day", data_key="to")
    view = fields.String(validate=validate.OneOf(VIEWS), metadata={"description": VIEW_DOC})


# Every spelling group_by accepts, so the schema says exactly that ("" is one row for everything
# in scope); a free string with a check behind it refused requests its own schema allowed.
GROUPINGS = [",".join(p) for n in range(len(COHORT) + 1) for p in permutations(COHORT, n)]


class AggregateArgs(ScopeArgs):
    period = fields.String(load_default="week", validate=validate.OneOf(["week", "month"]))
    group_by = fields.String(load_default="directorate", validate=validate.OneOf(
        GROUPINGS, error="Use a comma-separated list of directorate, service, team."),
                             metadata={"description": "Comma list of directorate, service, team; "
                                                      "empty for one row over the whole scope."})


class ResponseArgs(ScopeArgs):
    label = fields.String(validate=validate.OneOf(["negative", "neutral", "positive"]))
    theme = fields.String(validate=validate.Length(min=1, max=64))
    min_score = WholeNumber(validate=validate.Range(min=1, max=5))
    max_score = WholeNumber(validate=validate.Range(min=1, max=5))
    disagreement = fields.Boolean()
    with_comment = fields.Boolean()


class PageArgs(ResponseArgs):
    cursor = fields.String(validate=validate.Length(max=300))
    limit = WholeNumber(load_default=50, validate=validate.Range(min=1, max=500))


P_VALUE = "Raw two-sided p-value of this one test."
P_ADJUSTED = ("Weighted Benjamini-Hochberg adjusted p-value across every change and trend test in "
              "this answer (its family): plain BH on p_value / weight.")
WEIGHT = ("This test's share of the family's error budget (non-negative, mean 1 over the family): "
          "its power to find a 15-point change at level SIGNIFICANCE_LEVEL / family_size, from "
          "reference_z, over the family's mean power.")
REFERENCE_Z = ("The z a 15-point change would give this test with its answer counts (variance at "
               "a 50% share): fixed by the counts alone, before the p-value is seen.")
SIGNIFICANT = ("p_adjusted <= SIGNIFICANCE_LEVEL: the false discovery rate across the family is "
               "held at that level.")
FAMILY_SIZE = "How many tests this answer's family holds."


class ChangeSchema(Schema):
    previous_csat = fields.Float()
    delta = fields.Float()
    p_value = fields.Float(metadata={"description": P_VALUE})
    p_adjusted = fields.Float(metadata={"description": P_ADJUSTED})
    family_size = fields.Integer(metadata={"description": FAMILY_SIZE})
    weight = fields.Float(metadata={"description": WEIGHT})
    reference_z = fields.Float(metadata={"description": REFERENCE_Z})
    significant = fields.Boolean(metadata={"description": SIGNIFICANT})


class TrendTestSchema(Schema):
    periods = fields.Integer()
    z = fields.Float()
    p_value = fields.Float(metadata={"description": P_VALUE})
    p_adjusted = fields.Float(metadata={"description": P_ADJUSTED})
    family_size = fields.Integer(metadata={"description": FAMILY_SIZE})
    weight = fields.Float(metadata={"description": WEIGHT})
    reference_z = fields.Float(metadata={"description": REFERENCE_Z})
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
    nps_responses = fields.Integer(allow_none=True, metadata={
        "description": "Answers to the Net Promoter question (0-10) of a question set."})
    nps = fields.Float(allow_none=True, metadata={
        "description": "Net Promoter Score, -100..100: % promoters (9-10) - % detractors (0-6); "
                       "null under MIN_CELL_SIZE answers."})
    nps_low = fields.Float(allow_none=True, metadata={
        "description": "95% lower bound of nps: Wald, Var = (pP + pD - (pP - pD)^2) / n."})
    nps_high = fields.Float(allow_none=True, metadata={"description": "95% upper bound of nps."})
    ces_responses = fields.Integer(allow_none=True, metadata={
        "description": "Answers to the Customer Effort question (1-7) of a question set."})
    ces = fields.Float(allow_none=True, metadata={
        "description": "Mean Customer Effort score, 1-7 (7 easiest); null under MIN_CELL_SIZE."})
    ces_low = fields.Float(allow_none=True, metadata={"description": "95% Student-t lower bound."})
    ces_high = fields.Float(allow_none=True, metadata={"description": "95% Student-t upper bound."})
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


class AnswerSchema(Schema):
    question_id = fields.String()
    value = fields.Raw(metadata={"type": ["integer", "string"]})


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
    question_set = fields.String(allow_none=True, metadata={
        "description": "The question set answered, <name>@<version>; null: the default questions."})
    answers = fields.List(fields.Nested(AnswerSchema), metadata={
        "description": "Its scale and choice answers as given (short texts are not kept)."})


class ResponsePageSchema(Schema):
    items = fields.List(fields.Nested(ResponseSchema))
    next_cursor = fields.String(allow_none=True)


class AnalyzeArgs(Schema):
    text = fields.String(required=True, validate=validate.Length(max=5000))
    score = WholeNumber(validate=validate.Range(min=1, max=5))


class AnalysisSchema(Schema):
    label = fields.String()
    compound = fields.Float()
    themes = fields.List(fields.String())
    redacted = fields.String(allow_none=True)
    disagreement = fields.Boolean()
