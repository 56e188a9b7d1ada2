"""Bearer tokens: one per source system for the API, one for the inbound-mail webhook."""
import hmac

from flask import current_app, request
from flask_smorest import abort


def bearer() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def api_source() -> str:
    """The calling source system's name, or a 401."""
    given = bearer()
    for token, name in current_app.config["SETTINGS"].api_sources().items():
        if given and hmac.compare_digest(given, token):
            return name
    abort(401, message="A valid bearer token for a source system is required.")


def admin_allowed() -> None:
    """Only the admin token (ADMIN_TOKEN) reads personal data such as unmatched replies."""
    expected, given = current_app.config["SETTINGS"].admin_token, bearer()
    if not expected or not given or not hmac.compare_digest(given, expected):
        abort(401, message="A valid admin bearer token is required.")


def inbound_allowed() -> None:
    expected = current_app.config["SETTINGS"].inbound_token
    given = bearer() or (request.authorization.password if request.authorization else "") or ""
    if not expected or not given or not hmac.compare_digest(given, expected):
        abort(401, message="A valid inbound-mail token is required.")
