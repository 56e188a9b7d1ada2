"""Rate limits on every public door: one shared store, the client's real address, 429 + Retry-After.

Counts live where RATE_LIMIT_STORAGE_URI says (memory:// for `make run`; redis://host:6379 so
replicas count together). Behind a load balancer, TRUSTED_PROXY_HOPS says how many proxies in
front of us add X-Forwarded-For: only those hops are believed, so a client cannot pick its own
address (and every respondent does not share the balancer's bucket).
"""
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from chassis.settings import as_int, env
from chassis.web import error_response

log = logging.getLogger(__name__)


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
    app.extensions["limits.fast"] = _fast_strategy(
        getattr(settings, "rate_limit_storage_uri", "memory://"), service)
    return limiter


def _fast_strategy(uri: str, service: str):
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter
    if uri.startswith("memory://"):
        return _LocalFixedWindow(), service
    return FixedWindowRateLimiter(storage_from_string(uri)), service


class _LocalFixedWindow:
    """Fixed windows counted in this process, for memory:// on the hot path only.

    The limits library's MemoryStorage starts a 10 ms expiry Timer thread whenever the last one
    ended: under steady load that is ~100 threads a second, ~200 us of CPU per API request.
    Windows here expire lazily, on the next hit of their key. Same interface as
    FixedWindowRateLimiter (hit, get_window_stats) for what limit_hot_path uses.
    """

    def __init__(self, clock=time.time):
        self.clock = clock
        self.windows: dict[tuple, tuple[float, int]] = {}  # key -> (window end, hits)
        self.lock = threading.Lock()

    def hit(self, item, *identifiers) -> bool:
        key, now = (item.key_for(*identifiers),), self.clock()
        with self.lock:
            end, hits = self.windows.get(key, (0.0, 0))
            if now >= end:
                end, hits = now + item.get_expiry(), 0
                if len(self.windows) > 100_000:  # forget expired keys now and then
                    self.windows = {k: v for k, v in self.windows.items() if v[0] > now}
            if hits >= item.amount:
                self.windows[key] = (end, hits)
                return False
            self.windows[key] = (end, hits + 1)
            return True

    def get_window_stats(self, item, *identifiers):
        key = (item.key_for(*identifiers),)
        with self.lock:
            end, hits = self.windows.get(key, (self.clock(), 0))
        return _WindowStats(end, max(0, item.amount - hits))


@dataclass(frozen=True)
class _WindowStats:
    reset_time: float
    remaining: int


def limit_hot_path(app: Flask, blueprint, limit: str, key_func: Callable[[], str], *,
                   when: Callable[[], bool] | None = None, name: str = "") -> None:
    """One limit on a busy blueprint (an API taking thousands of answers a second), checked
    with the `limits` library directly: one store hit a request, where Flask-Limiter's
    per-request resolution cost ~600 us of CPU. Same store, same 429 + Retry-After."""
    from limits import parse
    strategy, service = app.extensions["limits.fast"]
    item = parse(limit)
    prefix = f"{service}:{blueprint.name}:{name}"

    def check():
        if request.blueprint != blueprint.name or (when is not None and not when()):
            return None
        key = key_func()
        try:
            if strategy.hit(item, prefix, key):
                return None
            reset = strategy.get_window_stats(item, prefix, key).reset_time
        except Exception as err:  # a store that is down must not take the service down
            log.warning("rate-limit store unavailable", extra={"error": type(err).__name__})
            return None
        retry = max(1, int(reset - time.time() + 0.999))
        response, status = error_response(429, f"Too many requests (at most {limit}); "
                                               f"retry after {retry} s.")
        response.headers["Retry-After"] = str(retry)
        return response, status

    app.before_request(check)


def limit_blueprint(limiter: Limiter, blueprint, *limits: str, key_func=None) -> None:
    """Each of `limits` ("30 per minute") applies to every route of the blueprint."""
    for value in limits:
        limiter.limit(value, key_func=key_func)(blueprint)


def as_rate_limit(raw: str) -> str:
    """A limit setting ("600 per minute"), checked at start rather than on the first request."""
    from limits import parse_many
    parse_many(raw)
    return raw


def confine_limiter(app: Flask, limiter: Limiter, *blueprints: str) -> None:
    """Run Flask-Limiter's hooks only on the blueprints that carry its limits.

    It hooks every request of the app, though only some blueprints have limits: elsewhere
    (a busy API on limit_hot_path, health checks, assets) its limit resolution is pure cost,
    ~0.5 ms of CPU a request. Its hooks move from the app to each named blueprint.
    """
    def is_limiters(hook) -> bool:
        return (getattr(hook, "__self__", None) is limiter
                or getattr(hook, "args", ())[:1] == (limiter,))
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        moved = [hook for hook in hooks.get(None, []) if is_limiters(hook)]
        hooks[None] = [hook for hook in hooks.get(None, []) if not is_limiters(hook)]
        for name in blueprints:
            hooks[name] = moved + hooks.get(name, [])
