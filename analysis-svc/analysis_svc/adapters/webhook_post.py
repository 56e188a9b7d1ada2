"""POST a JSON message to an incoming webhook: 429, 5xx and timeouts retried with backoff.

A 429 or 503 waits what its Retry-After says (capped); after `attempts` tries WebhookUnavailable
is raised (the outbox tries again later). Any other 4xx is WebhookRefused at once, with the
vendor's own words (Teams: "Bad payload received by generic incoming webhook.", Slack:
"invalid_blocks"): the same message will not succeed by repeating it.
"""
import json
import urllib.error
import urllib.request

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

RETRIED = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 5.0


class WebhookError(Exception):
    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


class WebhookUnavailable(WebhookError):
    """Down, overloaded, rate limiting or too slow: may succeed later."""


class WebhookRefused(WebhookError):
    """Refused for good: a bad payload, a removed webhook, no permission."""


def _once(url: str, body: bytes, timeout_s: float) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "analysis-svc"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return response.status
    except urllib.error.HTTPError as err:
        said = err.read(300).decode("utf-8", "replace").strip() or err.reason
        message = f"HTTP {err.code} {said}"
        if err.code in RETRIED:
            raise WebhookUnavailable(message, err.code, _seconds(err.headers.get("Retry-After"))) from None
        raise WebhookRefused(message, err.code) from None
    except (urllib.error.URLError, OSError) as err:  # refused, reset, DNS, timeout
        reason = getattr(err, "reason", err)
        raise WebhookUnavailable(f"no answer: {reason}") from None


def _seconds(value: str | None) -> float | None:
    return float(value) if value and value.strip().isdigit() else None


def _wait(backoff):
    """The backoff, or the server's Retry-After when longer (capped)."""
    def wait(state) -> float:
        err = state.outcome.exception() if state.outcome else None
        asked = getattr(err, "retry_after", None) or 0.0
        return max(backoff(state), min(asked, MAX_RETRY_AFTER_S))
    return wait


def post_json(url: str, payload: dict, *, timeout_s: float = 10.0, attempts: int = 3,
              max_wait_s: float = 2.0) -> int:
    """The 2xx status; raises WebhookUnavailable after `attempts`, WebhookRefused at once."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    for attempt in Retrying(retry=retry_if_exception_type(WebhookUnavailable),
                            stop=stop_after_attempt(attempts), reraise=True,
                            wait=_wait(wait_exponential(multiplier=0.2, max=max_wait_s))):
        with attempt:
            return _once(url, body, timeout_s)
    raise AssertionError("unreachable")
