"""Erasure on request: ask for a person to be erased everywhere, and follow the request."""
from flask import current_app, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import ValidationError, validate

from chassis import auth
from chassis.privacy.audit_api import audit_read
from contracts.text import NAME
from survey_svc.domain.commands import RequestErasure
from survey_svc.entrypoints.api import erasure_schemas as s
from survey_svc.entrypoints.api.schemas import path_name
from survey_svc.service_layer.erasure import show_erasure

blp = Blueprint("erasure", __name__, url_prefix="/v1", description="Erasure on request")
_LOCATION = {"Location": {"description": "Where the request's progress is shown",
                          "schema": {"type": "string"}}}


def _bus():
    return current_app.extensions["bus"]


@blp.before_request
def require_admin():
    auth.require_admin(_bus().settings.admin_token)
    if request.method == "POST" and not request.is_json:
        abort(415, message="Send a JSON body (Content-Type: application/json).")


def _actor() -> str:
    """Who asked (X-Actor, as for policy changes): 400 when it is not one line of text."""
    actor = request.headers.get("X-Actor", "admin-api")[:100]
    try:
        return NAME(validate.Length(min=1)(actor))
    except ValidationError as err:
        abort(400, message="Invalid X-Actor.", messages={"headers": {"X-Actor": err.messages}})


@blp.route("/erasure-requests")
class ErasureRequests(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(s.ErasureAskSchema)
    @blp.response(202, s.ErasureRequestSchema, headers=_LOCATION,
                  description="Taken (or already under way for this person): follow Location")
    def post(self, args):
        """Erase a person everywhere, by email or requester id; each service reports back."""
        view, _ = _bus().handle(RequestErasure(args.get("email"), args.get("requester_id"),
                                               _actor()))
        # Audited by the request, never by the address or id it named.
        audit_read("erasure.request", rows=1, target=f"erasure:{view['id']}",
                   filters={"asked_by": view["asked_by"]})
        return view, 202, {"Location": url_for("erasure.ErasureRequest", request_id=view["id"])}


@blp.route("/erasure-requests/<request_id>", parameters=[path_name("request_id", 36)])
class ErasureRequest(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, s.ErasureRequestSchema)
    def get(self, request_id):
        """Show a request's progress in each service, and its overall status."""
        view = show_erasure(_bus().uow_factory(), request_id)
        if view is None:
            abort(404, message="No such erasure request.")
        audit_read("erasure.status", rows=1, target=f"erasure:{request_id}", filters={})
        return view


def document_one_person(spec) -> None:
    """Say in the OpenAPI document what the schema checks: exactly one of email and
    requester_id (a fuzzer reading the document then sends only well-formed requests)."""
    if "ErasureAsk" in spec.components.schemas:
        spec.components.schemas["ErasureAsk"]["oneOf"] = [
            {"required": [name]} for name in ("email", "requester_id")]
