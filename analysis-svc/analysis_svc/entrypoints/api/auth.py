"""Bearer-token scoping for every feed: sets g.scope (None = admin) or answers 401/403."""
from flask import current_app, g, request
from flask_smorest import abort

from analysis_svc.service_layer.auth import Unauthorised, bearer, scope_for


def require_token() -> None:
    services = current_app.extensions["analysis"]
    try:
        g.scope = scope_for(bearer(request.headers.get("Authorization")),
                            services.settings.admin_token, services.tokens.lookup)
    except Unauthorised as err:
        abort(401, message=str(err), headers={"WWW-Authenticate": 'Bearer realm="analysis-svc"'})


def check_directorate(directorate: str | None) -> None:
    """A partner who names a directorate outside their scope is refused, not shown an empty page."""
    if directorate and g.scope is not None and directorate not in g.scope:
        abort(403, message="That directorate is not in your token's scope.",
              messages={"query": {"directorate": ["Not in your scope."]}})
