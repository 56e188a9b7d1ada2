"""The business-partner dashboard: server-rendered pages with charts layered on top."""
from dataclasses import dataclass
from datetime import timedelta

from flask_wtf.csrf import CSRFProtect

from analysis_svc.entrypoints.web.settings import WebSettings


@dataclass(frozen=True)
class DashboardContext:
    settings: object  # analysis_svc.config.Settings
    web: WebSettings
    session_factory: object
    admin_token: str | None


def init_dashboard(app, settings, session_factory, web: WebSettings | None = None) -> None:
    """Register the dashboard and board-report pages on an analysis-svc app."""
    from analysis_svc.entrypoints.web import signin, views  # noqa: F401  (routes register on import)
    from analysis_svc.entrypoints.web.auth import current_viewer
    from analysis_svc.reports.views import blp as reports_blp
    web = web or WebSettings.from_env()
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = web.secret()
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=web.secure_cookie,
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=8), WTF_CSRF_CHECK_DEFAULT=False)
    app.extensions["dashboard"] = DashboardContext(settings, web, session_factory, settings.admin_token)
    from analysis_svc.entrypoints.web.presenters import theme_name
    app.context_processor(lambda: {"current_viewer": current_viewer})
    app.add_template_filter(theme_name, "theme_name")
    CSRFProtect(app)  # checked by the dashboard blueprint only: the JSON API stays bearer-token only
    app.register_blueprint(views.blp)
    app.register_blueprint(reports_blp)

