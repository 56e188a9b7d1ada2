"""The Flask app factory: nothing happens at import."""
from chassis.db import check_database
from chassis.web import create_service_app

from ingest_svc.config import Settings


def create_app(settings: Settings | None = None, services=None, *, background: bool = False):
    """Build the app; `services` (from bootstrap) may be given by tests, else wired here."""
    from ingest_svc.bootstrap import bootstrap
    from ingest_svc.entrypoints.api import inbound_email, responses
    from ingest_svc.entrypoints.web import guards, pages

    settings = settings or Settings.from_env()
    services = services or bootstrap(settings)
    app, api = create_service_app("ingest-svc", settings, title="ingest-svc", readiness={
        "database": lambda: check_database(services.engine),
        "broker": services.publisher.ping})
    app.config.update(SECRET_KEY=settings.secret_key, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SECURE=settings.public_survey_url.startswith("https://"))
    app.extensions["ingest"] = services
    guards.install(app)
    api.register_blueprint(pages.blp)
    api.register_blueprint(responses.blp)
    api.register_blueprint(inbound_email.blp)
    if background and settings.background:
        services.start_flusher()
    return app
