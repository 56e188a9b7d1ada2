"""The business-partner dashboard: server-rendered pages with charts layered on top."""
from datetime import timedelta

from flask_wtf.csrf import CSRFProtect


def init_dashboard(app, settings) -> None:
    """Register the dashboard and board-report pages on an analysis-svc app (its bus is set)."""
    from analysis_svc.entrypoints.web import signin, views  # noqa: F401  (routes register on import)
    from analysis_svc.entrypoints.web.auth import current_viewer
    from analysis_svc.entrypoints.web.presenters import theme_name
    from analysis_svc.reports.views import blp as reports_blp
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.session_key()
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.secure_cookie,
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=8), WTF_CSRF_CHECK_DEFAULT=False)
    app.context_processor(lambda: {"current_viewer": current_viewer})
    app.add_template_filter(theme_name, "theme_name")
    CSRFProtect(app)  # checked by the dashboard blueprint only: the JSON API stays bearer-token only
    app.register_blueprint(views.blp)
    app.register_blueprint(reports_blp)
