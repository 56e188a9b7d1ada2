"""Run a Flask app under gunicorn (threads), for the services' `serve` command."""
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, app_factory, options: dict):
        self.app_factory = app_factory
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.app_factory()


def serve(app_factory, bind: str, workers: int = 1, threads: int = 8, **options) -> None:
    _Server(app_factory, {"bind": bind, "workers": workers, "threads": threads,
                          "worker_class": "gthread", "accesslog": None,
                          "graceful_timeout": 10, **options}).run()
