"""The survey-svc Flask app around a message bus; nothing happens at import."""
from flask import Flask

from chassis.db import check_database
from chassis.limits import install_limits, limit_blueprint
from chassis.privacy.audit_api import access_audit_blueprint
from chassis.web import create_service_app
from survey_svc.connectors.metrics import connector_metrics


def create_app(bus=None) -> Flask:
    """The Flask app around a bus (bootstrap.build() when none is given)."""
    from survey_svc import bootstrap
    from survey_svc.entrypoints.api import push
    from survey_svc.entrypoints.api import admin, erasure, preview, subject_access, tickets

    bus = bus or bootstrap.build()
    app, api = create_service_app(
        "survey-svc", bus.settings, title="survey-svc", version="1.0",
        readiness={"database": lambda: check_database(bus.engine),
                   "broker": bus.publisher.ping})
    app.extensions["bus"] = bus
    connector_metrics().watch(bus.uow_factory, bus.clock)  # the connectors on /metrics
    api.register_blueprint(tickets.blp)
    api.register_blueprint(push.blp)
    api.register_blueprint(admin.blp)
    api.register_blueprint(preview.blp)
    api.register_blueprint(erasure.blp)
    erasure.document_one_person(api.spec)
    api.register_blueprint(access_audit_blueprint())
    api.register_blueprint(subject_access.blp)
    limiter = install_limits(app, bus.settings, "survey-svc")
    limit_blueprint(limiter, tickets.blp, bus.settings.webhook_rate_limit)
    limit_blueprint(limiter, push.blp, bus.settings.webhook_rate_limit)
    limit_blueprint(limiter, admin.blp, bus.settings.admin_rate_limit)
    limit_blueprint(limiter, preview.blp, bus.settings.admin_rate_limit)
    limit_blueprint(limiter, subject_access.blp, bus.settings.admin_rate_limit)
    limit_blueprint(limiter, erasure.blp, bus.settings.admin_rate_limit)
    return app
