import os
import subprocess
import sys

import pytest

from chassis.kafka import KafkaPublisher

from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.testing import ConsumerThread

CLI = [sys.executable, "-m", "analysis_svc.entrypoints.cli"]


@pytest.fixture
def fresh_url(db_url, tmp_path, request):
    """Another fresh database of db_url's kind: where a backup is restored."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    return request.getfixturevalue("postgres_url_factory")()


@pytest.fixture
def analysis_env(kafka_bootstrap, tmp_path):
    """The environment analysis-svc's CLI reads, database aside."""
    return {"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "ANALYSIS_MODEL_DIR": "",
            "ADMIN_TOKEN": "admin-secret", "PRIVACY_VAULT_URL": f"sqlite:///{tmp_path / 'vault.db'}"}


@pytest.fixture
def run_cli(analysis_env):
    """run_cli(args, db_url): analysis-svc's console script as an operator runs it."""
    def run(args, db_url):
        environ = dict(os.environ, **analysis_env, ANALYSIS_DATABASE_URL=db_url)
        return subprocess.run(CLI + args, capture_output=True, text=True, env=environ,
                              timeout=300)
    return run


@pytest.fixture
def make_bus(kafka_bootstrap, analysis_env):
    """make_bus(url, **overrides): analysis-svc's bus on the real broker (closed at the end)."""
    made = []

    def make(url, **overrides):
        settings = Settings(database_url=url, kafka_bootstrap_servers=kafka_bootstrap,
                            admin_token="admin-secret", model_dir="",
                            privacy_vault_url=analysis_env["PRIVACY_VAULT_URL"])
        made.append(build(settings, publisher=KafkaPublisher(kafka_bootstrap, "backup-test"),
                          **overrides))
        return made[-1]

    yield make
    for bus in made:
        bus.close()


@pytest.fixture
def consuming():
    """consuming(bus, group): a running consumer, stopped at the end if still running."""
    started = []

    def start(bus, group):
        started.append(ConsumerThread(bus, group))
        return started[-1]

    yield start
    for running in started:
        running.close()
