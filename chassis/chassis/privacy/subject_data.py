"""`POST /v1/admin/subject-data`: what one service holds about some people, for a subject access
request (survey-svc gathers every service's answer over HTTP: personal data never goes on Kafka).

A service passes `read(bus, subjects, invitation_ids) -> {kind: [record, ...]}`; the blueprint
checks the admin token, validates the body and records the read in the access audit.
"""
from typing import Callable

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate

from chassis.auth import require_admin
from chassis.privacy.audit import subject_target
from chassis.privacy.audit_api import audit_read
from chassis.privacy.subject_records import records_count
from contracts.text import NAME

MAX_SUBJECTS, MAX_INVITATIONS = 100, 1000
HEX64 = r"^[0-9a-f]{64}$"


class SubjectDataIn(Schema):
    class Meta:
        unknown = RAISE

    subjects = fields.List(
        fields.String(validate=validate.Regexp(HEX64), metadata={"pattern": HEX64}),
        load_default=list, validate=validate.Length(max=MAX_SUBJECTS),
        metadata={"description": "Subject hashes (chassis.privacy.subject_of)."})
    invitation_ids = fields.List(
        fields.String(validate=[validate.Length(min=1, max=64), NAME],
                      metadata={"pattern": NAME.pattern}),
        load_default=list, validate=validate.Length(max=MAX_INVITATIONS))


class SubjectDataOut(Schema):
    service = fields.String()
    records = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Dict()),
        metadata={"description": "Each kind of record this service holds about them, as stored "
                                 "(comments and addresses included: personal data)."})


def subject_data_blueprint(service: str, read: Callable[..., dict], realm: str = "api") -> Blueprint:
    blp = Blueprint("subject_data", __name__, url_prefix="/v1/admin",
                    description="Subject access: what this service holds about a person")

    @blp.before_request
    def admin_only():
        require_admin(current_app.extensions["bus"].settings.admin_token, realm)
        if not request.is_json:
            abort(415, message="Send a JSON body (Content-Type: application/json).")

    @blp.route("/subject-data")
    class SubjectData(MethodView):
        @blp.doc(security=[{"bearerAuth": []}])
        @blp.arguments(SubjectDataIn)
        @blp.response(200, SubjectDataOut)
        def post(self, body):
            """Everything held here about these subjects and invitations (the read is audited)."""
            subjects, invitation_ids = sorted(set(body["subjects"])), sorted(set(body["invitation_ids"]))
            records = read(current_app.extensions["bus"], subjects, invitation_ids)
            audit_read("subject_data.read", rows=records_count(records),
                       target=subject_target(subjects) or "invitations",
                       filters={"subjects": subjects, "invitation_ids": invitation_ids})
            return {"service": service, "records": records}

    return blp
