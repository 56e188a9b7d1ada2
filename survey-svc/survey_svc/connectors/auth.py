"""Whether a push came from its service desk, in the way each tool can prove it.

header  a shared secret in a header (JSM automation, Freshservice, ServiceNow REST step)
basic   HTTP Basic username and password (ServiceNow REST message, Freshservice webhook)
hmac    hex HMAC-SHA256 of the body, bare or "sha256=<hex>" (Jira webhooks' X-Hub-Signature)
glpi    X-GLPI-signature: hex HMAC-SHA256 of body + X-GLPI-timestamp, within five minutes
signed  our own X-Signature: t=<unix>,v1=<hex> (chassis.auth.webhook_signature_valid)
"""
import base64
import binascii

from chassis.auth import SIGNATURE_TOLERANCE_S, hmac_sha256, same_secret, webhook_signature_valid
from survey_svc.connectors.sources import PushSource


def authenticated(source: PushSource, headers, body: bytes, now: float) -> bool:
    """Constant-time checks only; a malformed or non-ASCII header is simply wrong."""
    check = _CHECKS[source.auth]
    return check(source, headers, body, now)


def _header(source, headers, body, now) -> bool:
    return same_secret(headers.get(source.header), source.secret)


def _basic(source, headers, body, now) -> bool:
    scheme, _, encoded = (headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        username, sep, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    # Both compared, always: no early exit tells a caller which one was wrong.
    right_user = same_secret(username, source.username)
    return bool(sep) & right_user & same_secret(password, source.secret)


def _hmac(source, headers, body, now) -> bool:
    given = (headers.get(source.header) or "").strip()
    given = given[len("sha256="):] if given.startswith("sha256=") else given
    return same_secret(given.lower(), hmac_sha256(source.secret, body))


def _glpi(source, headers, body, now) -> bool:
    stamp = (headers.get("X-GLPI-timestamp") or "").strip()
    if not (stamp.isascii() and stamp.isdigit()) or abs(now - int(stamp)) > SIGNATURE_TOLERANCE_S:
        return False
    expected = hmac_sha256(source.secret, body + stamp.encode())
    return same_secret((headers.get("X-GLPI-signature") or "").strip().lower(), expected)


def _signed(source, headers, body, now) -> bool:
    return webhook_signature_valid(source.secret, body, headers.get("X-Signature"), now)


_CHECKS = {"header": _header, "basic": _basic, "hmac": _hmac, "glpi": _glpi, "signed": _signed}
