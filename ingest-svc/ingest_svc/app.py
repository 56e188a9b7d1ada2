"""The Flask app factory: nothing happens at import."""
from chassis.db import check_database
from chassis.messagebus import MessageBus
from chassis.privacy.audit_api import access_audit_blueprint
from chassis.privacy.subject_data import subject_data_blueprint
from chassis.web import create_service_app

from ingest_svc import bootstrap, subject_data
from ingest_svc.entrypoints import limits
from ingest_svc.entrypoints.api import inbound_email, responses
from ingest_svc.entrypoints.web import guards, i18n, pages


def create_app(bus: MessageBus | None = None, *, background: bool = False, branding=None):
    """The Flask app around a bus (bootstrap.build() when none is given); branding from
    BRANDING_FILE and its variables when none is given."""
    bus = bus or bootstrap.build()
    settings = bus.settings
    app, api = create_service_app("ingest-svc", settings, title="ingest-svc", readiness={
        "database": lambda: check_database(bus.engine), "broker": bus.publisher.ping})
    app.config.update(SECRET_KEY=settings.secret_key, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SECURE=settings.public_survey_url.startswith("https://"))
    app.extensions["bus"] = bus
    guards.install(app)
    i18n.install(app, branding)
    api.register_blueprint(pages.blp)
    api.register_blueprint(responses.blp)
    api.register_blueprint(inbound_email.blp)
    api.register_blueprint(access_audit_blueprint())
    api.register_blueprint(subject_data_blueprint("ingest-svc", subject_data.held))
    responses.document_placement(api.spec)
    limits.install(app, settings)
    if background and settings.background:
        bus.flusher.start()
    return app
