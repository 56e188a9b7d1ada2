"""Rate limits on every public door: one shared store, the client's real address, 429 + Retry-After.

Counts live where RATE_LIMIT_STORAGE_URI says (memory:// for `make run`; redis://host:6379 so
replicas count together). Behind a load balancer, TRUSTED_PROXY_HOPS says how many proxies in
front of us add X-Forwarded-For: only those hops are believed, so a client cannot pick its own
address (and every respondent does not share the balancer's bucket).
"""
from dataclasses import dataclass

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from chassis.settings import as_int, env


@dataclass(frozen=True, kw_only=True)
class LimitSettings:
    """Mixed into each service's Settings."""

    rate_limit_storage_uri: str = env("RATE_LIMIT_STORAGE_URI", "memory://")
    trusted_proxy_hops: int = env("TRUSTED_PROXY_HOPS", 0, as_int)


def trust_proxies(app: Flask, hops: int) -> None:
    """Believe X-Forwarded-For/-Proto/-Host from exactly `hops` proxies, and nothing more."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def install_limits(app: Flask, settings, service: str) -> Limiter:
    """A limiter for this app; blueprints opt in with `limiter.limit(...)(blueprint)`."""
    trust_proxies(app, getattr(settings, "trusted_proxy_hops", 0))
    limiter = Limiter(get_remote_address, app=app, key_prefix=service, headers_enabled=True,
                      storage_uri=getattr(settings, "rate_limit_storage_uri", "memory://"),
                      # a store that is down must not take the service down with it
                      swallow_errors=True, in_memory_fallback_enabled=True)
    app.extensions["limits"] = limiter
    return limiter


def limit_blueprint(limiter: Limiter, blueprint, *limits: str, key_func=None) -> None:
    """Each of `limits` ("30 per minute") applies to every route of the blueprint."""
    for value in limits:
        limiter.limit(value, key_func=key_func)(blueprint)


def as_rate_limit(raw: str) -> str:
    """A limit setting ("600 per minute"), checked at start rather than on the first request."""
    from limits import parse_many
    parse_many(raw)
    return raw
