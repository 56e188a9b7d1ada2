"""Input guards for the pages: strict UTF-8, size limits, CSRF and rate limits."""
from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import BadRequest

PAGE_MAX_BODY = 32 * 1024
csrf = CSRFProtect()
limiter = Limiter(get_remote_address, storage_uri="memory://", headers_enabled=True)


def utf8_form() -> dict:
    """The form fields, refusing a body that is not valid UTF-8 (Werkzeug would mangle it)."""
    try:
        request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The form was not valid UTF-8 text.") from None
    return {key: request.form.get(key) for key in request.form}


def protect_csrf() -> None:
    csrf.protect()


def token_key() -> str:
    return "token:" + (request.view_args or {}).get("token", "")[-64:]


def token_limit() -> str:
    return current_app.config["SETTINGS"].rate_limit_token


def ip_limit() -> str:
    return current_app.config["SETTINGS"].rate_limit_ip


def limit_page_bodies() -> None:
    request.max_content_length = PAGE_MAX_BODY


def limit(blueprint) -> None:
    """Once, at import: per-IP and per-token rate limits and the body-size cap on the pages."""
    limiter.limit(ip_limit)(blueprint)
    limiter.limit(token_limit, key_func=token_key, methods=["POST"])(blueprint)
    blueprint.before_request(limit_page_bodies)


def install(app) -> None:
    """Wire CSRF (checked explicitly by the views that need it) and the limiter into an app."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token link's expiry bounds the form
    csrf.init_app(app)
    limiter.init_app(app)
    _hooks_for_pages_only(app)


def _hooks_for_pages_only(app, blueprint: str = "pages") -> None:
    """Flask-Limiter hooks every request of the app, though only the pages carry limits: its
    hooks move to the pages blueprint, so the API, health checks and assets skip ~0.1 ms of
    limit resolution each."""
    def limiters(hook) -> bool:
        return getattr(hook, "__self__", None) is limiter or getattr(hook, "args", ())[:1] == (limiter,)
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        moved = [hook for hook in hooks[None] if limiters(hook)]
        hooks[None] = [hook for hook in hooks[None] if not limiters(hook)]
        hooks[blueprint] = moved + hooks[blueprint]
