"""Signing in through the organisation's OpenID provider: authorization code with PKCE, state
and nonce (Authlib checks all three), then the same dashboard session a token gives."""
import logging

from authlib.integrations.flask_client import OAuth, OAuthError
from flask import abort, current_app, redirect, render_template, request, session

from analysis_svc.domain.sign_on import NoMappedGroup, claim_values, scope_for_groups
from analysis_svc.entrypoints.web.auth import sign_in_person
from analysis_svc.entrypoints.web.signin import safe_next
from analysis_svc.entrypoints.web.views import blp

log = logging.getLogger(__name__)
CALLBACK = "/dashboard/sign-in/sso/callback"
NEXT_KEY = "sso_next"


def init_sign_on(app, settings) -> None:
    """Register the provider when OIDC_ISSUER is set; its metadata is fetched on first use."""
    if not settings.sign_on_enabled:
        return
    oauth = OAuth(app)
    oauth.register("oidc", client_id=settings.oidc_client_id,
                   client_secret=settings.oidc_client_secret,
                   server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
                   client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"})
    app.extensions["sign_on"] = oauth.oidc


def _client():
    client = current_app.extensions.get("sign_on")
    if client is None:
        abort(404)
    return client


def _settings():
    return current_app.extensions["bus"].settings


@blp.get("/sign-in/sso")
def sso_start():
    """Send the browser to the identity provider (state, nonce and PKCE verifier kept in the session)."""
    client = _client()
    session[NEXT_KEY] = safe_next(request.args.get("next"))
    # the registered redirect URI: the public address, not whatever Host the request came with
    return client.authorize_redirect(_settings().public_url.rstrip("/") + CALLBACK)


def _problem(message: str, code: int = 400):
    return render_template("dashboard_sso_problem.html", message=message), code


@blp.get("/sign-in/sso/callback")
def sso_callback():
    """Back from the identity provider: check it, map the groups, start the session (or refuse)."""
    client, settings = _client(), _settings()
    if request.args.get("error"):
        return _problem("The sign-in was not completed at your organisation's sign-in page.")
    try:
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if settings.oidc_group_claim not in claims:  # many providers send groups from userinfo only
            claims.update(client.userinfo(token=token))
    except (OAuthError, ValueError, KeyError) as err:  # a bad state, nonce, code or signature
        log.warning("single sign-on refused: %s", err)
        return _problem("The sign-in could not be checked. It may have taken too long.")
    groups = claim_values(claims, settings.oidc_group_claim)
    user = claims.get("email") or claims.get("sub") or "unknown"
    try:
        scope_for_groups(groups, settings.oidc_group_scopes)
    except NoMappedGroup:
        log.info("single sign-on: %s has no mapped group", user)
        session.clear()
        return render_template("dashboard_sso_refused.html", user=user), 403
    target = session.get(NEXT_KEY) or safe_next(None)
    mapped = {m.group for m in settings.oidc_group_scopes}  # the cookie keeps only what counts
    sign_in_person(user, claims.get("name") or user, [g for g in groups if g in mapped])
    return redirect(target)
