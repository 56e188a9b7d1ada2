"""Signing in with a token (kept in the session cookie), or single sign-on (sso.py); signing out."""
from flask import current_app, flash, redirect, render_template, request, session, url_for

from analysis_svc.entrypoints.web.auth import sign_in as remember, viewer_for_token
from analysis_svc.entrypoints.web.views import blp


def safe_next(target: str | None) -> str:
    """Only ever go back to a dashboard or report page on this site."""
    if target and target.startswith(("/dashboard", "/reports/")) and "//" not in target and "\\" not in target:
        return target
    return url_for("dashboard.overview")


@blp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with an access token from the ICT Service."""
    error = None
    if request.method == "POST":
        bus = current_app.extensions["bus"]
        token = request.form.get("token", "")
        if viewer_for_token(bus.tokens, bus.settings.admin_token, token):
            remember(token)
            return redirect(safe_next(request.form.get("next")))
        error = "Enter a valid access token" if request.form.get("token") else "Enter your access token"
    settings = current_app.extensions["bus"].settings
    return render_template("dashboard_sign_in.html", error=error, next=request.values.get("next", ""),
                           sign_on_name=settings.sign_on_enabled and settings.oidc_provider_name), (
        400 if error else 200)


@blp.post("/sign-out")
def sign_out():
    """Forget the signed-in viewer."""
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("dashboard.sign_in"))
