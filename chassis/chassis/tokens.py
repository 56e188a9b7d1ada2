"""Survey tokens: Ed25519-signed, expiring JWTs; only survey-svc can mint them."""
from datetime import datetime, timedelta, timezone

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ALGORITHM = "EdDSA"


class TokenError(Exception):
    """A token that cannot be trusted."""


class TokenInvalid(TokenError):
    pass


class TokenExpired(TokenError):
    pass


def generate_keypair() -> tuple[str, str]:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def sign_token(private_pem: str, claims: dict, ttl: timedelta | None = None,
               now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    payload = {"iat": int(now.timestamp()), **claims}
    if ttl is not None:
        payload["exp"] = int((now + ttl).timestamp())
    return jwt.encode(payload, private_pem, algorithm=ALGORITHM)


def verify_token(public_pem: str, token: str, now: datetime | None = None) -> dict:
    """Claims of a genuine, unexpired token; raises TokenExpired or TokenInvalid."""
    try:
        claims = jwt.decode(token, public_pem, algorithms=[ALGORITHM],
                            options={"require": ["exp"], "verify_exp": False})
    except jwt.PyJWTError as err:
        raise TokenInvalid(str(err)) from None
    now = now or datetime.now(timezone.utc)
    if claims["exp"] <= now.timestamp():
        raise TokenExpired("token has expired")
    return claims
