"""Bearer-token scoping for every feed: sets g.scope (None = admin) or answers 401/403."""
from flask import current_app, g
from flask_smorest import abort

from chassis.auth import request_bearer, unauthorised
from chassis.scope import OutOfScope, check_directorate as check_scope

from analysis_svc.service_layer.auth import Unauthorised, scope_for


def bus():
    return current_app.extensions["bus"]


def require_token() -> None:
    try:
        g.scope = scope_for(request_bearer(), bus().settings.admin_token, bus().tokens.lookup)
    except Unauthorised as err:
        unauthorised(str(err), "analysis-svc")


def check_directorate(directorate: str | None) -> None:
    """A partner who names a directorate outside their scope is refused, not shown an empty page."""
    try:
        check_scope(g.scope, directorate)
    except OutOfScope:
        abort(403, message="That directorate is not in your token's scope.",
              messages={"query": {"directorate": ["Not in your scope."]}})
