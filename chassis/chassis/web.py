"""The app-factory helpers: one Flask app shape for every service."""
import logging
import time
import weakref
from pathlib import Path
from typing import Callable

from flask import Flask, Response, current_app, g, jsonify, request, send_from_directory
from flask.sessions import SecureCookieSessionInterface
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields
from prometheus_client import CONTENT_TYPE_LATEST
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from chassis import metrics as prometheus
from chassis.access_log import install_access_log
from chassis.json_provider import OrjsonProvider

log = logging.getLogger(__name__)
RETRY_AFTER_S = 5

SERVED_PACKAGES = {"govuk-frontend", "chart.js", "swagger-ui-dist", "axe-core"}
DEFAULT_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
               "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
               "form-action 'self'; base-uri 'none'; object-src 'none'")
DOCS_CSP = DEFAULT_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                    ("Referrer-Policy", "no-referrer"), ("Cross-Origin-Opener-Policy", "same-origin"),
                    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))


def error_response(status: int, message: str, errors: dict | None = None):
    """The one JSON error shape: {code, status, message, errors}."""
    body = {"code": status, "status": _reason(status), "message": message}
    if errors:
        body["errors"] = errors
    return jsonify(body), status


def _reason(status: int) -> str:
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def assets_dir(settings=None) -> Path | None:
    """Where npm put govuk-frontend and friends: the ASSETS_DIR setting, else the nearest
    node_modules above the working directory or this package."""
    configured = getattr(settings, "assets_dir", None)
    if configured:
        return Path(configured)
    for start in (Path.cwd(), Path(__file__).resolve()):
        for folder in (start, *start.parents):
            if (folder / "node_modules").is_dir():
                return folder / "node_modules"
    return None


class ServiceFlask(Flask):
    """Flask, remembering which views and hooks are plain functions: Flask asks inspect again
    for each of them on every request (~18 on an API answer)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # weak: a per-request function (after_this_request) is forgotten with its request
        self._plain_functions: weakref.WeakSet = weakref.WeakSet()

    def ensure_sync(self, func):
        try:
            if func in self._plain_functions:
                return func
            synced = super().ensure_sync(func)
            if synced is func:
                self._plain_functions.add(func)
            return synced
        except TypeError:  # not weakly referenceable, or unhashable: asked every time
            return super().ensure_sync(func)


def create_service_app(name: str, settings, *, title: str, version: str = "1.0",
                       readiness: dict[str, Callable[[], None]] | None = None,
                       max_body: int = 1024 * 1024) -> tuple[Flask, Api]:
    app = ServiceFlask(name)
    app.json = OrjsonProvider(app)
    app.config.update(
        SETTINGS=settings, MAX_CONTENT_LENGTH=max_body,
        API_TITLE=title, API_VERSION=version, OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs", OPENAPI_SWAGGER_UI_URL="/assets/swagger-ui-dist/",
        API_SPEC_OPTIONS={"components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"}}}})
    # Field errors answer 400 (not webargs' 422) in every service, as the issues require.
    Blueprint.ARGUMENTS_PARSER.DEFAULT_VALIDATION_STATUS = 400
    app.session_interface = _CookieSessions()
    api = Api(app)
    api.register_blueprint(_ops_blueprint(name, readiness or {}))
    _install_errors(app)
    _install_metrics(app, name)
    _install_headers(app)
    install_access_log(app)  # request id, server span, one JSON line per request
    app.add_url_rule("/assets/<path:filename>", "assets", _serve_asset)
    return app, api


class _HealthSchema(Schema):
    status = fields.String(required=True)
    service = fields.String(required=True)


class _ReadySchema(Schema):
    status = fields.String(required=True)
    checks = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


def _ops_blueprint(service: str, readiness: dict[str, Callable[[], None]]) -> Blueprint:
    blp = Blueprint("ops", __name__, description="Health, readiness and metrics")

    @blp.route("/healthz")
    class Health(MethodView):
        @blp.response(200, _HealthSchema)
        def get(self):
            """Alive: the process answers."""
            return {"status": "ok", "service": service}

    @blp.route("/readyz")
    class Ready(MethodView):
        @blp.response(200, _ReadySchema)
        @blp.alt_response(503, schema=_ReadySchema, description="A dependency is unreachable")
        def get(self):
            """Ready: the database and the broker answer."""
            checks = {}
            for check_name, check in readiness.items():
                try:
                    check()
                    checks[check_name] = "ok"
                except Exception as err:  # a readiness probe reports, never raises
                    checks[check_name] = f"unavailable: {type(err).__name__}"
            ready = all(v == "ok" for v in checks.values())
            return {"status": "ready" if ready else "unavailable", "checks": checks}, (
                200 if ready else 503)

    @blp.route("/metrics")
    class Metrics(MethodView):
        @blp.doc(responses={"200": {"content": {"text/plain": {}}}})
        def get(self):
            """Prometheus metrics (every granian worker's, summed)."""
            return Response(prometheus.latest(), mimetype=CONTENT_TYPE_LATEST)

    return blp


def unavailable_errors() -> tuple[type[BaseException], ...]:
    """What "the broker or the database is away" looks like: answered 503, never 500."""
    from sqlalchemy.exc import InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from chassis.kafka.config import PublishError
    return (PublishError, OperationalError, InterfaceError, PoolTimeout, OSError)


def unavailable_response(err: BaseException):
    """503 with Retry-After in the one error shape; nothing was kept, so the caller retries."""
    log.warning("dependency unavailable", extra={"error": type(err).__name__,
                                                 "endpoint": request.endpoint})
    response, status = error_response(
        503, "A service this request needs is unavailable; nothing was kept. Retry shortly "
             "(with the same Idempotency-Key, if you sent one).")
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response, status


def _install_errors(app: Flask) -> None:
    for exc in unavailable_errors():
        app.register_error_handler(exc, unavailable_response)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        data = getattr(err, "data", None) or {}
        message = data.get("message") or err.description or _reason(err.code)
        response, status = error_response(err.code or 500, message, data.get("messages"))
        for key, value in (data.get("headers") or {}).items():
            response.headers[key] = value
        if err.code == 405 and "Allow" not in response.headers:
            allowed = getattr(err, "valid_methods", None)
            if allowed:
                response.headers["Allow"] = ", ".join(allowed)
        return response, status

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        if isinstance(err, HTTPException):
            return http_error(err)
        if isinstance(err, unavailable_errors()):
            return unavailable_response(err)
        log.exception("unhandled error", extra={"route": request.url_rule.rule if request.url_rule else None})
        return error_response(500, InternalServerError.description)


class _CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions; a request without cookies (every API call) gets its empty
    session without building the signer first (~50 us a request)."""

    def open_session(self, app, request):
        if "HTTP_COOKIE" not in request.environ and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)


def _install_metrics(app: Flask, service: str) -> None:
    requests, latency, in_progress = prometheus.http_metrics()
    children: dict[tuple, tuple] = {}  # (method, endpoint, status) -> the two labelled metrics
    busy = in_progress.labels(service)

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()
        busy.inc()

    @app.teardown_request
    def done(_error):
        if g.pop("started", None) is not None:
            busy.dec()

    @app.after_request
    def record(response):
        rule, method = request.url_rule, request.method
        key = (method, rule.rule if rule else "unmatched", response.status_code)
        pair = children.get(key)
        if pair is None:
            pair = children[key] = (requests.labels(service, *key), latency.labels(service, *key[:2]))
        pair[0].inc()
        started = g.get("started")
        if started is not None:
            pair[1].observe(time.perf_counter() - started)
        return response


def _install_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        present = {key.lower() for key in headers.keys()}
        for key, value in SECURITY_HEADERS:
            if key.lower() not in present:
                headers.add(key, value)
        if "content-security-policy" not in present:
            headers.add("Content-Security-Policy", DOCS_CSP if request.path == "/docs" else DEFAULT_CSP)
        return response


def _serve_asset(filename: str):
    root = assets_dir(current_app.config.get("SETTINGS"))
    if root is None or filename.split("/", 1)[0] not in SERVED_PACKAGES:
        raise NotFound("No such asset.")
    response = send_from_directory(root, filename, max_age=3600)
    return response
