"""The business-partner dashboard: server-rendered pages with charts layered on top."""
import logging
from datetime import timedelta

from flask import request
from flask_wtf.csrf import CSRFProtect

log = logging.getLogger(__name__)


def init_dashboard(app, settings) -> None:
    """Register the dashboard and board-report pages on an analysis-svc app (its bus is set)."""
    from analysis_svc.entrypoints.web import (benchmarks, branding, signin, sso,  # noqa: F401
                                              views)  # (routes register on import)
    from analysis_svc.entrypoints.web.auth import current_viewer, scope_label
    from analysis_svc.entrypoints.web.presenters import theme_name
    from analysis_svc.reports.privacy import coverage_statement
    from analysis_svc.reports.views import blp as reports_blp
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.session_key()
    # The cookie's own expiry never slides (auth checks the sign-in time on each request too).
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.cookie_secure,
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
                      SESSION_REFRESH_EACH_REQUEST=False, WTF_CSRF_CHECK_DEFAULT=False)
    app.context_processor(lambda: {"current_viewer": current_viewer, "scope_label": scope_label,
                                   "redaction": coverage_statement})
    app.add_template_filter(theme_name, "theme_name")
    branding.install(app, getattr(app.extensions["bus"], "branding", None))
    sso.init_sign_on(app, settings)
    CSRFProtect(app)  # checked by the dashboard blueprint only: the JSON API stays bearer-token only
    app.register_blueprint(views.blp)
    app.register_blueprint(reports_blp)
    _limit(app, settings)
    if settings.trusted_header_name and not (settings.trusted_proxy_addresses
                                             or settings.trusted_header_secret):
        log.warning("TRUSTED_HEADER_NAME is set without TRUSTED_PROXY_ADDRESSES or "
                    "TRUSTED_HEADER_SECRET: the header is never believed")


def _limit(app, settings) -> None:
    """Sign-in attempts and PDF reports per client address (install_limits made the limiter)."""
    limiter = app.extensions.get("limits")
    if limiter is None:
        return
    views = app.view_functions
    views["dashboard.sign_in"] = limiter.limit(settings.signin_rate_limit, methods=["POST"])(
        views["dashboard.sign_in"])
    views["dashboard.sso_callback"] = limiter.limit(settings.signin_rate_limit)(
        views["dashboard.sso_callback"])
    views["reports.board_report"] = limiter.limit(
        settings.report_pdf_rate_limit, exempt_when=lambda: request.args.get("format") != "pdf")(
        views["reports.board_report"])
