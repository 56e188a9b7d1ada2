"""Who may call: a bearer token per source system, the admin token, the inbound-mail token.
The reading and comparing of secrets is chassis.auth's; a malformed header is a wrong secret."""
from flask import current_app

from chassis.auth import (matching, request_basic_password, request_bearer, require_admin,
                          same_secret, unauthorised)


def _settings():
    return current_app.config["SETTINGS"]


def api_source() -> str:
    """The calling source system's name, or a 401."""
    name = matching(request_bearer(), _settings().api_sources())
    if name is None:
        unauthorised("A valid bearer token for a source system is required.")
    return name


def admin_allowed() -> None:
    """Only the admin token (ADMIN_TOKEN) reads personal data such as unmatched replies."""
    require_admin(_settings().admin_token)


def inbound_allowed() -> None:
    """The inbound-mail token, as a bearer token or as the HTTP Basic password."""
    if not same_secret(request_bearer() or request_basic_password(), _settings().inbound_token):
        unauthorised("A valid inbound-mail token is required.")

