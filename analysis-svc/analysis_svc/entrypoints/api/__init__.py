"""The JSON/CSV feeds, each a flask-smorest Blueprint."""
from analysis_svc.entrypoints.api import analyze, feeds, records


def register(api) -> None:
    for module in (feeds, records, analyze):
        api.register_blueprint(module.blp)
