from marshmallow import fields, validate

from contracts.events.common import (SCORES, CohortFields, free_text, name_list, required_text,
                                     text, timestamp)
from contracts.personal import sealable

LABELS = ("negative", "neutral", "positive")


class ResponseScored(CohortFields):
    response_id = required_text(64)
    invitation_id = text(64, load_default=None, allow_none=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    score = fields.Integer(required=True, strict=True, validate=SCORES)
    submitted_at = timestamp(required=True)
    label = fields.String(required=True, validate=validate.OneOf(LABELS))
    compound = fields.Float(required=True, validate=validate.Range(min=-1.0, max=1.0))
    themes = name_list()
    redacted_comment = sealable(free_text(2000, load_default=None, allow_none=True), 2000)
    disagreement = fields.Boolean(load_default=False)


class DetractorAlert(CohortFields):
    alert_id = required_text(64)
    response_id = required_text(64)
    score = fields.Integer(required=True, strict=True, validate=SCORES)
    label = fields.String(required=True, validate=validate.OneOf(LABELS))
    compound = fields.Float(required=True)
    redacted_comment = sealable(free_text(2000, load_default=None, allow_none=True), 2000)
    raised_at = timestamp(required=True)


class SignificantDrop(CohortFields):
    alert_id = required_text(64)
    period = required_text(20)
    previous_period = required_text(20)
    previous_csat = fields.Float(required=True)
    current_csat = fields.Float(required=True)
    p_value = fields.Float(required=True)
    raised_at = timestamp(required=True)
