"""Secrets presented by callers: bearer tokens and signed webhooks, read and compared one way.

Every check is constant-time on bytes, so a header Werkzeug decoded from non-ASCII bytes (or a
malformed one) is simply a wrong secret: 401, never a 500 from `hmac.compare_digest` on str.
"""
import email.utils
import hashlib
import hmac

from flask import request
from flask_smorest import abort


def _bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogateescape")


def same_secret(given: str | None, expected: str | None) -> bool:
    """True only when both are non-empty and equal (constant time)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(_bytes(given), _bytes(expected))


def matching(given: str | None, secrets: dict[str, str]):
    """The value stored under the secret `given` matches, or None (every secret compared)."""
    found = None
    for secret, value in secrets.items():
        if same_secret(given, secret):
            found = value
    return found


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (scheme case-insensitive)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def request_bearer() -> str | None:
    return bearer_token(request.headers.get("Authorization"))


def request_basic_password() -> str | None:
    """The password of an `Authorization: Basic` header; None when absent or undecodable."""
    try:
        credentials = request.authorization
    except ValueError:  # Werkzeug's base64 decoding of a non-ASCII Basic header
        return None
    return credentials.password if credentials is not None else None


def unauthorised(message: str, realm: str = "api"):
    abort(401, message=message, headers={"WWW-Authenticate": f'Bearer realm="{realm}"'})


def require_admin(admin_token: str | None, realm: str = "api") -> None:
    """401 unless the request carries the admin token; a service without one is closed."""
    if not same_secret(request_bearer(), admin_token):
        unauthorised("A valid admin bearer token is required.", realm)


def token_hash(token: str) -> str:
    """How tokens are stored: never the token itself."""
    return hashlib.sha256(_bytes(token)).hexdigest()


def hmac_sha256(secret: str, body: bytes) -> str:
    return hmac.new(_bytes(secret), body, hashlib.sha256).hexdigest()


def signature_valid(secret: str | None, body: bytes, header: str | None) -> bool:
    """An `X-Signature: sha256=<hex HMAC-SHA256 of the body>` header made with `secret`."""
    if not secret:
        return False
    return same_secret(header, "sha256=" + hmac_sha256(secret, body))


SIGNATURE_TOLERANCE_S = 300


def sign_webhook(secret: str, body: bytes, timestamp: int) -> str:
    """The header value a sender puts in X-Signature: `t=<unix seconds>,v1=<hex>` over `t.body`."""
    return f"t={timestamp},v1={hmac_sha256(secret, str(timestamp).encode() + b'.' + body)}"


def _signature_parts(header: str) -> tuple[int | None, list[str]]:
    timestamp, signatures = None, []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    return timestamp, signatures


def webhook_signature_valid(secret: str | None, body: bytes, header: str | None, now: float, *,
                            tolerance_s: int = SIGNATURE_TOLERANCE_S,
                            allow_body_only: bool = False) -> bool:
    """A replay-proof signature (the way Stripe and Slack sign): the timestamp is signed with the
    body and must be within `tolerance_s` of now. The old body-only `sha256=<hex>` form is
    accepted only when an operator allows it for a legacy ITSM."""
    if not secret or not header:
        return False
    if header.startswith("sha256="):
        return allow_body_only and signature_valid(secret, body, header)
    timestamp, signatures = _signature_parts(header)
    if timestamp is None or abs(now - timestamp) > tolerance_s:
        return False
    expected = sign_webhook(secret, body, timestamp).split(",v1=", 1)[1]
    return any(same_secret(given, expected) for given in signatures)


REPLY_TAG_LENGTH = 16


def reply_tag(key: str, invitation_id: str) -> str:
    """The unguessable part of an invitation's reply address (survey+<id>.<tag>@REPLY_DOMAIN):
    an HMAC of the invitation id with the REPLY_TAG_KEY survey-svc and ingest-svc share, so
    knowing an invitation id is not enough to answer for it by email."""
    return hmac_sha256(key, f"reply:{invitation_id}".encode())[:REPLY_TAG_LENGTH]


def reply_tag_valid(key: str | None, invitation_id: str, tag: str | None) -> bool:
    return bool(key) and same_secret(tag, reply_tag(key, invitation_id))


def normalised_address(address: str | None) -> str:
    """An email address as a reply's sender is compared with the invitee: the display name and
    surrounding space dropped, lower-cased; a plus-tag is kept as given. "" when it is not one
    address (a list of addresses, or nothing parseable)."""
    found = email.utils.getaddresses([address or ""])
    addr = found[0][1].strip().lower() if len(found) == 1 else ""
    return addr if addr.count("@") == 1 else ""


def address_hash(key: str | None, address: str | None) -> str | None:
    """A keyed hash of the normalised address (REPLY_TAG_KEY): survey-svc announces the
    invitee's, ingest-svc compares a reply's sender with it, and neither puts the address
    itself on the stream. None without a key or an address."""
    normal = normalised_address(address)
    return hmac_sha256(key, f"address:{normal}".encode()) if key and normal else None
