"""The analysis-svc Flask app: feeds, OpenAPI, health; the dashboard when installed."""
from chassis.db import check_database
from chassis.limits import install_limits
from chassis.privacy.audit_api import access_audit_blueprint
from chassis.privacy.subject_data import subject_data_blueprint
from chassis.web import create_service_app


def create_app(bus=None):
    """The Flask app around a bus (bootstrap.build() when none is given)."""
    from analysis_svc import bootstrap
    from analysis_svc.entrypoints.api import limit, register
    from analysis_svc.read_model import subject_data
    bus = bus or bootstrap.build()
    readiness = {"database": lambda: check_database(bus.engine), "broker": bus.publisher.ping}
    if bus.settings.run_worker and bus.settings.consumer_heartbeat_file:  # serve's own consumer
        readiness["consumer"] = lambda: bus.heartbeat.check(bus.settings.consumer_stale_s)
    app, api = create_service_app("analysis-svc", bus.settings, title="analysis-svc feeds",
                                  readiness=readiness)
    app.extensions["bus"] = bus
    register(api)
    api.register_blueprint(access_audit_blueprint("analysis-svc"))
    api.register_blueprint(subject_data_blueprint("analysis-svc", subject_data.held, "analysis-svc"))
    limit(install_limits(app, bus.settings, "analysis-svc"), bus.settings)
    _dashboard(app, bus)  # after install_limits: the dashboard limits its sign-in and PDFs
    return app


def _dashboard(app, bus) -> None:
    try:
        from analysis_svc.entrypoints.web import init_dashboard
    except ModuleNotFoundError as err:  # the dashboard is optional: the feeds work without it
        if not (err.name or "").startswith("analysis_svc.entrypoints.web"):
            raise
        return
    init_dashboard(app, bus.settings)
