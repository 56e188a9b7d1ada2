"""docker-compose.yml and the Dockerfiles, read as an operator would: a stack that works as written
(issue #16). No Docker engine here, so the file itself is checked: PDFs, email replies, one public
address, migrations once, honest health checks, one database role per service, volumes, limits."""
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
INIT_SQL = ROOT / "infra" / "postgres" / "init-databases.sql"
TEST_ENV = ROOT / "infra" / "compose" / "test.env"
SERVICES = ("survey", "ingest", "analysis")
PUBLIC = "https://feedback.council.example"
_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def env_file(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines()
                if line and not line.startswith("#"))


def interpolate(value, env: dict[str, str]):
    """Compose's ${NAME}, ${NAME:-default}, ${NAME:?error} and $$, applied to every string."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match) -> str:
        name, operator, argument = match.groups()
        if name is None:
            return "$"
        given = env.get(name)
        if operator in (":-", "-"):
            return given if given else argument
        if operator in (":?", "?") and not given:
            raise KeyError(f"{name}: {argument}")
        return given or ""
    return _VARIABLE.sub(one, value)


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(raw) -> dict:
    """The services as compose resolves them with test.env and one public address."""
    return interpolate(raw, {**env_file(TEST_ENV), "PUBLIC_BASE_URL": PUBLIC})["services"]


def app_services(services) -> dict:
    """The long-running containers of the suite's own images."""
    return {name: s for name, s in services.items()
            if s["image"].startswith("feedback-suite/") and not name.endswith("-migrate")}


def published(service: dict) -> list[tuple[str, str, int]]:
    """(host ip, host port or range, container port) of each `ports:` entry."""
    entries = []
    for port in service.get("ports", []):
        host_ip, host, target = port.split("/")[0].rsplit(":", 2)
        entries.append((host_ip, host, int(target)))
    return entries


def dockerfile(service: str) -> str:
    return (ROOT / f"{service}-svc" / "Dockerfile").read_text()


# Chromium for the board report


def test_the_analysis_image_can_print_the_board_report():
    text = dockerfile("analysis")
    assert re.search(r"apt-get install [^\n]*\bchromium\b", text)
    assert "CHROMIUM_PATH=/usr/bin/chromium" in text  # what reports.render runs


def test_analysis_has_shared_memory_for_chromium(services):
    assert services["analysis-svc"]["environment"]["CHROMIUM_PATH"] == "/usr/bin/chromium"
    assert services["analysis-svc"]["shm_size"]


# Email replies


def test_ingest_smtp_listens_for_replies_on_a_published_port(services):
    smtp = services["ingest-smtp"]
    assert smtp["command"] == ["ingest-svc", "smtp"]
    env = smtp["environment"]
    assert env["INGEST_SMTP_HOST"] == "0.0.0.0" and env["REPLY_DOMAIN"]
    assert [(host, target) for _ip, host, target in published(smtp)] == [("25", int(env["INGEST_SMTP_PORT"]))]
    assert "ingest-spool:/data/spool" in smtp["volumes"]  # replies spool while the broker is away
    assert "smtplib" in " ".join(smtp["healthcheck"]["test"])


def test_the_reply_domain_is_a_variable(raw):
    assert raw["x-service-env"]["REPLY_DOMAIN"].startswith("${REPLY_DOMAIN:-")


# One public address


def test_public_urls_derive_from_one_variable_on_the_published_ports(raw, services):
    for name, service in app_services(services).items():
        env = service["environment"]
        assert env["PUBLIC_SURVEY_URL"] == f"{PUBLIC}:8002", name
        assert env["ANALYSIS_PUBLIC_URL"] == f"{PUBLIC}:8003", name
    assert ("8002", 8002) in [(host, target) for _ip, host, target in published(services["ingest-svc"])]
    (analysis,) = published(services["analysis-svc"])
    assert analysis[1].split("-")[0] == "8003" and analysis[2] == 8003  # the first replica holds 8003
    for name in ("PUBLIC_SURVEY_URL", "ANALYSIS_PUBLIC_URL"):
        assert f"${{{name}" not in COMPOSE.read_text()  # no second way to set them


def test_published_ports_are_fixed(services):
    for name, service in services.items():
        for _ip, host, target in published(service):
            assert host and re.fullmatch(r"\d+(-\d+)?", host), f"{name} publishes {target} on a random port"


# Migrations once, before any replica


@pytest.mark.parametrize("service", SERVICES)
def test_a_one_shot_migrate_service_per_database(services, service):
    migrate = services[f"{service}-migrate"]
    assert migrate["command"] == [f"{service}-svc", "db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"] == {"condition": "service_healthy"}
    users = [name for name, s in app_services(services).items()
             if s["image"] == migrate["image"]]
    assert users
    for name in users:
        assert services[name]["depends_on"][f"{service}-migrate"] == {
            "condition": "service_completed_successfully"}, name


# Readiness


def test_every_web_service_is_checked_by_its_readyz(services):
    for name in ("survey-svc", "ingest-svc", "analysis-svc"):
        assert "/readyz" in " ".join(services[name]["healthcheck"]["test"]), name


def test_analysis_readyz_covers_its_in_container_consumer(services):
    env = services["analysis-svc"]["environment"]
    assert env["ANALYSIS_RUN_WORKER"] == "true"
    heartbeat = env["ANALYSIS_CONSUMER_HEARTBEAT"]
    mounts = [volume.split(":")[1] for volume in services["analysis-svc"].get("volumes", [])]
    assert not any(heartbeat.startswith(mount) for mount in mounts)  # each replica its own


def test_analysis_is_restarted_when_its_consumer_dies(services):
    """A failing /readyz restarts nothing under compose: serve exits non-zero when its consumer
    process dies (tests/integration/analysis/test_analysis_readiness.py), and this brings it back."""
    analysis = services["analysis-svc"]
    assert analysis["environment"]["ANALYSIS_RUN_WORKER"] == "true"
    assert analysis["restart"] in ("unless-stopped", "always", "on-failure")


# PostgreSQL: least privilege, a real health check


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_connects_as_its_own_role_to_its_own_database(raw, services, service):
    url = services[f"{service}-svc"]["environment"][f"{service.upper()}_DATABASE_URL"]
    assert re.fullmatch(rf"postgresql\+psycopg://{service}:[^@]+@postgres:5432/{service}", url)
    assert f"${{{service.upper()}_DB_PASSWORD:?" in COMPOSE.read_text()
    sql = INIT_SQL.read_text()
    assert f"CREATE ROLE {service} LOGIN PASSWORD :'{service}_password';" in sql
    assert f"CREATE DATABASE {service} OWNER {service};" in sql
    assert f"REVOKE ALL ON DATABASE {service} FROM PUBLIC;" in sql
    assert f"\\getenv {service}_password {service.upper()}_DB_PASSWORD" in sql
    assert f"{service.upper()}_DB_PASSWORD" in services["postgres"]["environment"]


def test_no_service_connects_as_the_superuser(services):
    for name, service in services.items():
        for key, value in (service.get("environment") or {}).items():
            assert "://postgres:" not in str(value), f"{name} {key}"
    assert services["analysis-svc"]["environment"]["PRIVACY_VAULT_URL"].startswith(
        "postgresql+psycopg://vault:")


def test_the_postgres_health_check_asks_a_real_question(services):
    (check,) = [part for part in services["postgres"]["healthcheck"]["test"] if "psql" in part]
    assert "-h 127.0.0.1" in check and "-U postgres" in check and "-d postgres" in check
    assert all(f"'{name}'" in check for name in (*SERVICES, "vault"))  # the init script has run


# Volumes, limits, pinned images


def test_what_must_survive_is_on_named_volumes(raw, services):
    wanted = {"postgres": "/var/lib/postgresql/data", "kafka": "/var/lib/kafka/data",
              "ingest-svc": "/data/spool", "ingest-worker": "/data/spool", "ingest-smtp": "/data/spool",
              "analysis-svc": services["analysis-svc"]["environment"]["ANALYSIS_MODEL_DIR"]}
    for name, path in wanted.items():
        volumes = {v.split(":")[1]: v.split(":")[0] for v in services[name]["volumes"]}
        assert volumes.get(path) in raw["volumes"], f"{name}: {path} is not on a named volume"


def test_every_service_has_resource_limits(services):
    for name, service in services.items():
        limits = service.get("deploy", {}).get("resources", {}).get("limits", {})
        assert limits.get("memory") and limits.get("cpus"), name


def test_every_image_is_pinned_by_tag(services):
    for name, service in services.items():
        image = service["image"]
        assert re.search(r":[\w.-]+(@sha256:[0-9a-f]{64})?$", image.split("/")[-1]), name
        assert not image.endswith(":latest"), name
    for service in SERVICES:
        for line in re.findall(r"^FROM (\S+)", dockerfile(service), re.MULTILINE):
            assert ":" in line and not line.endswith(":latest"), line


def test_every_long_running_service_restarts(services):
    for name, service in services.items():
        if service.get("restart") != "no":
            assert service.get("restart") == "unless-stopped", name


# Operators can see: metrics from every process, traces only when an endpoint is given


def test_web_services_sum_their_workers_metrics_in_a_folder_of_their_own(services):
    for name in ("survey-svc", "ingest-svc", "analysis-svc"):
        folder = services[name]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
        assert folder in services[name].get("tmpfs", []), name  # never shared between containers


def test_workers_publish_metrics_to_the_network_only(services):
    for name in ("survey-worker", "ingest-worker", "ingest-smtp", "analysis-svc"):
        port = services[name]["environment"]["METRICS_PORT"]
        assert port in services[name].get("expose", []), name
        assert all(int(target) != int(port) for _, _, target in published(services[name])), name


def test_traces_are_off_unless_an_endpoint_is_given(services):
    for name, service in app_services(services).items():
        assert service["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "", name


def test_the_broker_address_can_point_at_the_cluster_profile(raw):
    given = {**env_file(TEST_ENV), "KAFKA_BOOTSTRAP_SERVERS": "kafka-1:29092,kafka-2:29092"}
    resolved = interpolate(raw, given)["services"]
    assert resolved["analysis-svc"]["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka-1:29092,kafka-2:29092"
    assert {"kafka-1", "kafka-2", "kafka-3"} <= set(resolved)


def test_workers_are_health_checked_on_their_metrics_port(services):
    for name in ("survey-worker", "ingest-worker", "ingest-smtp"):
        port = services[name]["environment"]["METRICS_PORT"]
        assert f"127.0.0.1:{port}/metrics" in " ".join(services[name]["healthcheck"]["test"]), name
