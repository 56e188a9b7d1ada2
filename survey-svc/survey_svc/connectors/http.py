"""One HTTP client for every service desk: timeouts, pacing, and 429/5xx retried with backoff.

    client = ApiClient("https://rt.example.org/REST/2.0", auth=TokenAuth("token", secret),
                       rate=5)                      # at most 5 requests a second
    tickets = client.get_json("/tickets", params={"query": "..."})

A 429 or 503 waits what its Retry-After says (capped), other 5xx, timeouts and refused
connections back off exponentially; after `attempts` tries ItsmUnavailable is raised (retry
later). Any other 4xx is ItsmRefused at once: the same request will not succeed by repeating it.
"""
import threading
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import requests
from requests.auth import AuthBase
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

RETRIED_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class ItsmError(Exception):
    """The service desk did not do what was asked; `status` is its HTTP status, if any."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


class ItsmUnavailable(ItsmError):
    """Down, overloaded or rate limiting: the same request may succeed later."""


class ItsmRefused(ItsmError):
    """Refused for good (credentials, rights, an unknown ticket, a malformed request)."""


class TokenAuth(AuthBase):
    """`Authorization: <scheme> <secret>` (RT's "token", GLPI's "user_token", "Bearer")."""

    def __init__(self, scheme: str, secret: str):
        self.header = f"{scheme} {secret}"

    def __call__(self, request):
        request.headers["Authorization"] = self.header
        return request


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date; None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    now = time.time() if now is None else now
    return max(0.0, moment.timestamp() - now)


class _Pace:
    """At most `rate` request starts a second, across the threads sharing a client."""

    def __init__(self, rate: float | None, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate if rate else 0.0
        self.clock, self.sleep, self.lock, self.next_at = clock, sleep, threading.Lock(), 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            delay = self.next_at - self.clock()
            if delay > 0:
                self.sleep(delay)
            self.next_at = max(self.next_at, self.clock()) + self.interval


class ApiClient:
    def __init__(self, base_url: str, *, auth=None, headers: dict | None = None,
                 timeout: float = 30.0, rate: float | None = None, attempts: int = 5,
                 max_wait: float = 120.0, session: requests.Session | None = None,
                 sleep=time.sleep):
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.auth = auth
        self.session.headers.update({"Accept": "application/json", **(headers or {})})
        self.timeout, self.attempts, self.max_wait = timeout, attempts, max_wait
        self.sleep, self.pace = sleep, _Pace(rate, sleep=sleep)

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """The response of a 2xx; retried as the module says, else ItsmError."""
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts), sleep=self.sleep, reraise=True,
            retry=retry_if_exception_type(ItsmUnavailable), wait=self._wait)
        return retrying(self._once, method, path, **kwargs)

    def get_json(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs).json()

    def _once(self, method: str, path: str, **kwargs) -> requests.Response:
        self.pace.wait()
        try:
            response = self.session.request(method, self.url(path), timeout=self.timeout,
                                            **kwargs)
        except (requests.ConnectionError, requests.Timeout) as err:
            raise ItsmUnavailable(f"{method} {path}: {type(err).__name__}") from None
        if response.ok:
            return response
        message = f"{method} {path}: HTTP {response.status_code} {response.text[:200]!r}"
        if response.status_code in RETRIED_STATUSES:
            raise ItsmUnavailable(message, response.status_code,
                                  retry_after_seconds(response.headers.get("Retry-After")))
        raise ItsmRefused(message, response.status_code)

    def _wait(self, state) -> float:
        error = state.outcome.exception()
        if isinstance(error, ItsmError) and error.retry_after is not None:
            return min(error.retry_after, self.max_wait)
        return wait_exponential_jitter(max=self.max_wait)(state)  # 1, 2, 4... s plus jitter


def utc(moment: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken as UTC)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else \
        moment.astimezone(timezone.utc)
