"""The access audit at a service's HTTP edge: recording a read, and `GET /v1/access-audit`.

A view that returned personal data calls `audit_read(action, rows=...)`: the actor is the
admin token (and the X-Actor it named) unless the view says who it was, the filters are the
query string without credentials. The bus is the app's (`app.extensions["bus"]`).
"""
from datetime import timezone

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from chassis.auth import require_admin
from chassis.privacy.audit import ACTION, ACTOR, RecordAccess, clean_text, safe_filters
from contracts.text import NAME

ADMIN_ACTOR = "admin-token"


def _bus():
    return current_app.extensions["bus"]


def admin_actor(base: str = ADMIN_ACTOR) -> str:
    """Who an admin-token request is: the token, and the person X-Actor named (self-declared)."""
    named = clean_text(request.headers.get("X-Actor", ""), 100).strip()
    return f"{base}:{named}" if named else base


def audit_read(action: str, *, rows: int, target: str | None = None,
               filters: dict | None = None, actor: str | None = None) -> None:
    """Record that this request read personal data; raises (503) if the audit cannot be kept."""
    _bus().handle(RecordAccess(actor or admin_actor(), action, target,
                               safe_filters(request.args if filters is None else filters), rows))


class UtcMoment(fields.DateTime):
    """An ISO 8601 moment; without an offset it is UTC. Out of range: 400, not a 500."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return (moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None
                    else moment.astimezone(timezone.utc))
        except (OverflowError, ValueError):
            raise ValidationError("Out of range.") from None


class AccessAuditQuery(Schema):
    since = UtcMoment(metadata={"description": "From this moment (ISO 8601; UTC without offset)."})
    until = UtcMoment(metadata={"description": "Before this moment."})
    actor = fields.String(validate=[validate.Length(min=1, max=ACTOR), NAME],
                          metadata={"description": "Part of the actor, e.g. `token#3`.",
                                    "pattern": NAME.pattern})
    action = fields.String(validate=[validate.Length(min=1, max=ACTION), NAME],
                           metadata={"description": "The action, e.g. `responses.list`.",
                                     "pattern": NAME.pattern})
    cursor = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1),
                            metadata={"description": "next_cursor of the previous page."})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class AccessAuditEntry(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String(metadata={"description": "Who: the token, user or realm of the request."})
    action = fields.String()
    target = fields.String(allow_none=True)
    filters = fields.Dict(metadata={"description": "The query, without credentials."})
    rows = fields.Integer(metadata={"description": "How many records the read returned."})


class AccessAuditPage(Schema):
    items = fields.List(fields.Nested(AccessAuditEntry))
    next_cursor = fields.Integer(allow_none=True)


def access_audit_blueprint(realm: str = "api") -> Blueprint:
    """`GET /v1/access-audit` for the admin token; the service's unit of work reads it."""
    blp = Blueprint("access_audit", __name__, url_prefix="/v1",
                    description="Who read personal data (the access audit)")

    @blp.before_request
    def admin_only():
        require_admin(_bus().settings.admin_token, realm)

    @blp.route("/access-audit")
    class AccessAudit(MethodView):
        @blp.doc(security=[{"bearerAuth": []}])
        @blp.arguments(AccessAuditQuery, location="query", unknown=RAISE)
        @blp.response(200, AccessAuditPage)
        def get(self, args):
            """Reads of personal data, newest first; follow next_cursor for older ones."""
            with _bus().uow_factory() as uow:
                return uow.access_audit.page(**args)

    return blp
