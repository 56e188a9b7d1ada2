"""Request and response shapes of the erasure API."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from contracts.text import NAME

ONE_OF = "Give exactly one of email and requester_id."


class ErasureAskSchema(Schema):
    """Who to erase: an email address or a requester id, exactly one (others are refused)."""

    email = fields.Email(validate=validate.Length(max=320))
    requester_id = fields.String(validate=[validate.Length(min=1, max=200), NAME],
                                 metadata={"pattern": NAME.pattern})

    @validates_schema
    def exactly_one(self, data, **kwargs):
        if ("email" in data) == ("requester_id" in data):
            raise ValidationError(ONE_OF, "_schema")


class ServiceProgressSchema(Schema):
    status = fields.String(metadata={"enum": ["pending", "completed"]})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "What was erased or anonymised, per kind"})
    completed_at = fields.DateTime(allow_none=True)


class ErasureRequestSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={
        "enum": ["pending", "completed"],
        "description": "completed once survey-svc, ingest-svc and analysis-svc have finished"})
    asked_by = fields.String(metadata={"enum": ["email", "requester_id"]})
    requested_by = fields.String()
    requested_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    services = fields.Dict(keys=fields.String(), values=fields.Nested(ServiceProgressSchema),
                           metadata={"description": "Each service's progress, by name"})
