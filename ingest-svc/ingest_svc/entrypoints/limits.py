"""Rate limits on every public door (chassis.limits: one shared store, trusted proxies, 429 +
Retry-After): pages per client and per link token, the API per source system, batches
apart, inbound email per client."""
from flask import request
from flask_limiter.util import get_remote_address

from chassis.auth import matching, request_bearer
from chassis.limits import confine_limiter, install_limits, limit_blueprint, limit_hot_path

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
    # The API takes thousands of answers a second: its limits skip Flask-Limiter's per-request
    # resolution (~600 us CPU) and cost one store hit.
    limit_hot_path(app, responses.blp, settings.api_rate_limit, source,
                   when=lambda: not batch(), name="api")
    limit_hot_path(app, responses.blp, settings.batch_rate_limit, source, when=batch, name="batch")
    limit_blueprint(limiter, inbound_email.blp, settings.inbound_rate_limit)
    # Flask-Limiter's own hooks only where its limits are: the API pays one store hit, no more
    confine_limiter(app, limiter, pages.blp.name, inbound_email.blp.name)
