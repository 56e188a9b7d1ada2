"""Request and response shapes of the subject-access API."""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from contracts.text import NAME

AT_LEAST_ONE = "Give email, requester_id or both."


class SubjectAccessQuery(Schema):
    """Whose data: an email address, a requester id, or both (the same person)."""

    class Meta:
        unknown = RAISE

    email = fields.Email(validate=validate.Length(max=320))
    requester_id = fields.String(validate=[validate.Length(min=1, max=200), NAME],
                                 metadata={"pattern": NAME.pattern})

    @validates_schema
    def at_least_one(self, data, **kwargs):
        if not data.get("email") and not data.get("requester_id"):
            raise ValidationError(AT_LEAST_ONE, "_schema")


class MissingSchema(Schema):
    service = fields.String()
    reason = fields.String(metadata={"description": "Why its part is not in the document"})


class AskedSchema(Schema):
    email = fields.String(allow_none=True)
    requester_id = fields.String(allow_none=True)
    subjects = fields.List(fields.String(), metadata={
        "description": "The person's subject hashes every service was asked about"})
    invitation_ids = fields.List(fields.String())


class SubjectAccessSchema(Schema):
    generated_at = fields.DateTime()
    request = fields.Nested(AskedSchema)
    complete = fields.Boolean(metadata={
        "description": "false when a service could not be asked: its part is null and it is "
                       "named in `missing` (the answer is still 200; ask again later)"})
    missing = fields.List(fields.Nested(MissingSchema))
    services = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.List(fields.Dict()), allow_none=True),
        metadata={"description": "By service (survey-svc, ingest-svc, analysis-svc): each kind "
                                 "of record it holds about the person, as stored"})
