"""The JSON/CSV feeds, each a flask-smorest Blueprint."""
from analysis_svc.entrypoints.api import analyze, benchmarks, feeds, records, structure
from analysis_svc.entrypoints.api.auth import rate_key

BLUEPRINTS = (feeds, records, analyze, structure, benchmarks)


def register(api) -> None:
    for module in BLUEPRINTS:
        api.register_blueprint(module.blp)


def limit(limiter, settings) -> None:
    """Every feed, the export and /v1/analyze: one FEED_RATE_LIMIT allowance per token (or per
    address), shared across them all."""
    shared = limiter.shared_limit(settings.feed_rate_limit, "analysis-feeds", key_func=rate_key)
    for module in BLUEPRINTS:
        shared(module.blp)
