"""docker-compose.yml stays in step with the contracts, is valid compose, and refuses to start
without real secrets (no public fallbacks); only the public-facing ports listen beyond 127.0.0.1."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from contracts.topics import RETENTION_MS, TOPICS
from devkit import repo_root

COMPOSE_FILE = repo_root() / "docker-compose.yml"
TEST_ENV = repo_root() / "infra" / "compose" / "test.env"  # what `make test` validates with
SECRETS = ["WEBHOOK_SECRET", "ADMIN_TOKEN", "INGEST_SECRET_KEY", "INGEST_API_TOKENS",
           "INGEST_INBOUND_TOKEN", "DASHBOARD_SESSION_SECRET", "REPLY_TAG_KEY", "PRIVACY_MASTER_KEY",
           "POSTGRES_PASSWORD", "SURVEY_DB_PASSWORD", "INGEST_DB_PASSWORD", "ANALYSIS_DB_PASSWORD",
           "VAULT_DB_PASSWORD",
           "SURVEY_SIGNING_KEY_FILE", "SURVEY_VERIFY_KEY_FILE"]
OPTIONAL_CREDENTIALS = {"SMTP_USERNAME", "SMTP_PASSWORD"}  # empty: a relay without auth
PUBLIC = {("ingest-svc", 8002), ("ingest-smtp", 2525)}  # web answers, email replies


def compose() -> list[str]:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"],
                                                 capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail("no compose implementation (make system-deps installs docker-compose)")


def config(env_file: Path, *args: str) -> subprocess.CompletedProcess:
    """`compose config` with only env_file's variables (none from this shell or a local .env)."""
    clean = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run([*compose(), "--env-file", str(env_file), "-f", str(COMPOSE_FILE),
                           "config", *args], capture_output=True, text=True, cwd=repo_root(),
                          env=clean, timeout=60)


def test_compose_topic_init_matches_contracts():
    script = (repo_root() / "infra" / "kafka" / "create-topics.sh").read_text()
    listed = re.search(r'TOPICS="([^"]+)"', script).group(1).split()
    assert {name: int(count) for name, count in (s.split(":") for s in listed)} == TOPICS
    retention = re.search(r'RETENTION="([^"]+)"', script).group(1).split()
    assert {name: int(ms) for name, ms in (s.split(":") for s in retention)} == RETENTION_MS


def test_compose_file_is_valid():
    result = config(TEST_ENV, "-q")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", SECRETS)
def test_compose_refuses_to_start_without_each_secret_and_names_it(missing, tmp_path):
    env_file = tmp_path / "partial.env"
    env_file.write_text("".join(line for line in TEST_ENV.read_text().splitlines(keepends=True)
                                if not line.startswith(f"{missing}=")))
    result = config(env_file, "-q")
    assert result.returncode != 0
    assert f"set {missing}" in result.stderr


def test_no_secret_has_a_fallback():
    text = COMPOSE_FILE.read_text()
    assert "DEV-ONLY" not in text and "DEV ONLY default" not in text
    for name, operator in re.findall(r"\$\{(\w+)(:?[-?])", text):
        if re.search(r"SECRET|TOKEN|PASSWORD|KEY", name) and name not in OPTIONAL_CREDENTIALS:
            assert (name, operator) == (name, ":?"), f"{name} falls back to a default"
    assert set(SECRETS) <= set(re.findall(r"\$\{(\w+):\?", text))


def test_only_the_public_port_listens_beyond_localhost():
    services = yaml.safe_load(config(TEST_ENV).stdout)["services"]
    published = {}
    for name, service in services.items():
        for port in service.get("ports", []):
            if isinstance(port, dict):  # long syntax: host_ip absent means every interface
                published[name, int(port["target"])] = port.get("host_ip", "0.0.0.0")
            else:
                parts = port.split("/")[0].split(":")
                published[name, int(parts[-1])] = parts[0] if len(parts) == 3 else "0.0.0.0"
    assert {key for key, host in published.items() if host != "127.0.0.1"} == PUBLIC
    assert {("kafka", 9092), ("mail", 8025), ("survey-svc", 8001), ("analysis-svc", 8003)} <= set(published)


def test_devkit_dev_secrets_satisfy_compose(tmp_path, monkeypatch):
    monkeypatch.setenv("SUITE_ROOT", str(tmp_path))  # keys land in tmp_path/var/keys
    result = subprocess.run([str(Path(sys.executable).parent / "devkit"), "secrets", "--compose"],
                            capture_output=True, text=True, timeout=60, check=True)
    env_file = tmp_path / "dev.env"
    env_file.write_text(result.stdout)
    names = {line.split("=", 1)[0] for line in result.stdout.splitlines() if "=" in line}
    assert set(SECRETS) <= names and "DEV ONLY" in result.stdout
    assert config(env_file, "-q").returncode == 0
