"""The analysis-svc Flask app: feeds, OpenAPI, health; the dashboard when installed."""
from chassis.db import check_database
from chassis.web import create_service_app

from analysis_svc.config import Settings


def create_app(settings: Settings | None = None, bus=None):
    """Build the app; `bus` is a bootstrapped Services (tests pass one with fakes)."""
    from analysis_svc.bootstrap import bootstrap
    from analysis_svc.entrypoints.api import register
    settings = settings or Settings.from_env()
    services = bus or bootstrap(settings)
    app, api = create_service_app(
        "analysis-svc", settings, title="analysis-svc feeds",
        readiness={"database": lambda: check_database(services.engine),
                   "broker": lambda: services.publisher.ping()})
    app.extensions["analysis"] = services
    register(api)
    _dashboard(app, settings, services)
    return app


def _dashboard(app, settings, services) -> None:
    try:
        from analysis_svc.entrypoints.web import init_dashboard
    except ModuleNotFoundError as err:  # the dashboard is optional: the feeds work without it
        if not (err.name or "").startswith("analysis_svc.entrypoints.web"):
            raise
        return
    init_dashboard(app, settings, services.sessions)
