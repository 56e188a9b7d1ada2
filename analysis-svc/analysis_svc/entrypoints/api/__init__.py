"""The JSON/CSV feeds, each a flask-smorest Blueprint."""
from chassis.limits import limit_blueprint

from analysis_svc.entrypoints.api import analyze, feeds, records
from analysis_svc.entrypoints.api.auth import rate_key

BLUEPRINTS = (feeds, records, analyze)


def register(api) -> None:
    for module in BLUEPRINTS:
        api.register_blueprint(module.blp)


def limit(limiter, settings) -> None:
    """Every feed, the export and /v1/analyze: FEED_RATE_LIMIT per token (or per address)."""
    for module in BLUEPRINTS:
        limit_blueprint(limiter, module.blp, settings.feed_rate_limit, key_func=rate_key)
