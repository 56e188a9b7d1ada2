"""Input guards for the pages: strict UTF-8, size limits, CSRF."""
from flask import request
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import BadRequest

PAGE_MAX_BODY = 32 * 1024
csrf = CSRFProtect()


def utf8_form() -> dict:
    """The form fields, refusing a body that is not valid UTF-8 (Werkzeug would mangle it)."""
    try:
        request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The form was not valid UTF-8 text.") from None
    return {key: request.form.get(key) for key in request.form}


def protect_csrf() -> None:
    csrf.protect()


def limit_page_bodies() -> None:
    request.max_content_length = PAGE_MAX_BODY


def limit(blueprint) -> None:
    """Once, at import: the body-size cap on the pages (rate limits: entrypoints.limits)."""
    blueprint.before_request(limit_page_bodies)


def install(app) -> None:
    """Wire CSRF into an app (checked explicitly by the views that need it)."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token link's expiry bounds the form
    csrf.init_app(app)
