"""Rate limits on every public door (chassis.limits: one shared store, trusted proxies, 429 +
Retry-After): pages per client and per link token, the API per source system, batches
apart, inbound email per client."""
from flask import request
from flask_limiter.util import get_remote_address

from chassis.auth import matching, request_bearer
from chassis.limits import install_limits, limit_blueprint

from ingest_svc.entrypoints.api import inbound_email, responses
from ingest_svc.entrypoints.web import pages

BATCH_ENDPOINT = f"{responses.blp.name}.Batch"


def token_key() -> str:
    return "token:" + (request.view_args or {}).get("token", "")[-64:]


def install(app, settings) -> None:
    limiter = install_limits(app, settings, "ingest-svc")
    sources = settings.api_sources()

    def source() -> str:
        name = matching(request_bearer(), sources)
        return f"source:{name}" if name else f"address:{get_remote_address()}"

    def batch() -> bool:
        return request.endpoint == BATCH_ENDPOINT

    limit_blueprint(limiter, pages.blp, settings.rate_limit_ip)
    limiter.limit(settings.rate_limit_token, key_func=token_key, methods=["POST"])(pages.blp)
    limiter.limit(settings.api_rate_limit, key_func=source, exempt_when=batch)(responses.blp)
    limiter.limit(settings.batch_rate_limit, key_func=lambda: "batch-" + source(),
                  exempt_when=lambda: not batch())(responses.blp)
    limit_blueprint(limiter, inbound_email.blp, settings.inbound_rate_limit)
