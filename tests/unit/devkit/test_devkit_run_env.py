"""`make run` hands every service all it requires, and DEMO=0 switches the demo off."""
import pytest

from devkit import run as devkit_run
from devkit.secrets import BANNER, dev_secrets
from devkit.services import SERVICES, ProcessGroup, service_env


@pytest.fixture
def suite_root(tmp_path, monkeypatch):
    monkeypatch.setenv("SUITE_ROOT", str(tmp_path))
    return tmp_path


def _settings_classes():
    from analysis_svc.config import Settings as Analysis  # the dashboard's settings included
    from ingest_svc.config import Settings as Ingest
    from survey_svc.config import Settings as Survey
    return [Survey, Ingest, Analysis]


def test_dev_secrets_satisfy_every_service_and_are_marked(suite_root):
    environ = service_env(dev_secrets({}))
    for settings_class in _settings_classes():
        settings_class.from_env(environ)  # raises on a missing required variable
    assert environ["INGEST_API_TOKENS"].startswith("demo:")
    assert environ["DASHBOARD_SESSION_SECRET"] and environ["INGEST_INBOUND_TOKEN"]
    assert "DEV ONLY" in (suite_root / "var" / "keys" / "README").read_text() and "DEV ONLY" in BANNER


def test_dev_secrets_are_kept_and_user_values_win(suite_root):
    first = dev_secrets({})
    assert dev_secrets({}) == first
    assert "ADMIN_TOKEN" not in dev_secrets({"ADMIN_TOKEN": "mine"})


def test_ports_are_bare_and_links_follow_them(monkeypatch):
    monkeypatch.setenv("INGEST_PORT", "18002")
    monkeypatch.setenv("ANALYSIS_PORT", "18003")
    monkeypatch.setenv("ANALYSIS_HOST", "0.0.0.0")
    from analysis_svc.config import Settings
    assert Settings.from_env({"ANALYSIS_PORT": "18003", "ANALYSIS_HOST": "0.0.0.0",
                              "PRIVACY_MASTER_KEY": "m" * 32}).bind == "0.0.0.0:18003"
    env = service_env({})
    assert env["PUBLIC_SURVEY_URL"] == "http://127.0.0.1:18002"
    assert env["ANALYSIS_PUBLIC_URL"] == "http://127.0.0.1:18003"
    assert env["ANALYSIS_RUN_WORKER"] == "false"  # the consumer runs as its own process
    assert service_env({"PUBLIC_SURVEY_URL": "https://feedback.example"})["PUBLIC_SURVEY_URL"] == \
        "https://feedback.example"


def test_each_background_process_runs_once():
    names = [name for service in SERVICES for name in service.processes]
    assert len(names) == len(set(names))
    assert {tuple(args) for s in SERVICES for args in s.processes.values()} >= {
        ("worker",), ("consume",), ("serve",)}


def test_demo_off_starts_nothing(suite_root, monkeypatch):
    monkeypatch.setenv("DEMO", "0")
    group = ProcessGroup()
    assert devkit_run.start_demo(group, {}) == "off (DEMO=0)"
    assert group.children == {}
