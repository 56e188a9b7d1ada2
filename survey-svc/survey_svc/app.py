"""The survey-svc Flask app: create_app(settings=None, bus=None); nothing happens at import."""
from chassis.db import check_database
from chassis.web import create_service_app


def create_app(settings=None, bus=None):
    from survey_svc import bootstrap
    from survey_svc.config import Settings
    from survey_svc.entrypoints.api import admin, tickets

    settings = settings or Settings.from_env()
    services = bus or bootstrap.build(settings)
    app, api = create_service_app(
        "survey-svc", settings, title="survey-svc", version="1.0",
        readiness={"database": lambda: check_database(services.engine),
                   "broker": services.publisher.ping})
    app.extensions["survey"] = services
    api.register_blueprint(tickets.blp)
    api.register_blueprint(admin.blp)
    return app
