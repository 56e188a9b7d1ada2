"""Shared infrastructure fixtures: a real Kafka broker, PostgreSQL, SMTP. No mocks."""
import os
import uuid
from urllib.parse import urlsplit

import pytest

from devkit import testing
from devkit.browser import chromium_path, launch_kwargs
from devkit.kafka import Broker, create_topics, metadata_ok
from devkit.postgres import Postgres, PostgresError, bin_dir
from devkit.procs import free_port


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory):
    """Bootstrap servers of a broker with the suite's topics (KAFKA_BOOTSTRAP_SERVERS, else our own)."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given and metadata_ok(given):
        create_topics(given)
        yield given
        return
    broker = Broker(port=free_port(), controller_port=free_port(),
                    data_dir=tmp_path_factory.mktemp("kafka")).start()
    create_topics(broker.bootstrap)
    yield broker.bootstrap
    broker.stop()


TEST_MASTER_KEY = "test-only-privacy-master-key-0123456789abcdef"  # NOT SECRET: tests only


@pytest.fixture(scope="session", autouse=True)
def privacy_environment(tmp_path_factory):
    """PRIVACY_MASTER_KEY and PRIVACY_VAULT_URL for every service a test starts from the
    environment (a subprocess, Settings.from_env()): the services refuse to start without a
    master key. One vault for the session, as the three services share one."""
    vault = tmp_path_factory.mktemp("vault") / "vault.db"
    os.environ.setdefault("PRIVACY_MASTER_KEY", TEST_MASTER_KEY)
    os.environ.setdefault("PRIVACY_VAULT_URL", f"sqlite:///{vault}")
    return {"privacy_master_key": os.environ["PRIVACY_MASTER_KEY"],
            "privacy_vault_url": os.environ["PRIVACY_VAULT_URL"]}


@pytest.fixture
def privacy_settings(tmp_path):
    """Settings fields for a test's own key vault (pass as Settings(..., **privacy_settings) to
    every service of one test, so they seal and open with the same keys)."""
    return {"privacy_master_key": TEST_MASTER_KEY,
            "privacy_vault_url": f"sqlite:///{tmp_path / 'vault.db'}"}


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A PostgreSQL server: TEST_POSTGRES_URL's, else one started for this session."""
    given = os.environ.get("TEST_POSTGRES_URL")
    if given:
        yield Postgres(port=urlsplit(given).port or 5432, data_dir=tmp_path_factory.mktemp("unused"))
        return
    try:
        bin_dir()
    except PostgresError as error:
        pytest.fail(f"{error} (`make system-deps` installs PostgreSQL)")
    server = Postgres(port=free_port(), data_dir=tmp_path_factory.mktemp("pg")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_url_factory(postgres_server):
    """Call it to get the SQLAlchemy URL of a fresh, empty database."""
    created = []

    def make(prefix: str = "t") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        created.append(name)
        return postgres_server.create_database(name)

    yield make
    for name in created:
        postgres_server.drop_database(name)


@pytest.fixture(scope="module")
def pg_database(postgres_url_factory):
    """A fresh PostgreSQL database shared by one test module (its URL)."""
    return postgres_url_factory()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh database URL; tests using it run once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("postgres_url_factory")()


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port; `.messages`, `.wait_for_messages(n)`."""
    sink = testing.SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def private_broker(tmp_path_factory):
    """Factory for extra brokers (free ports, own data dir) that a test may stop and restart."""
    brokers = []

    def make(topics: dict[str, int] | None = None) -> Broker:
        broker = Broker(port=free_port(), controller_port=free_port(),
                        data_dir=tmp_path_factory.mktemp("private-kafka")).start()
        brokers.append(broker)
        create_topics(broker.bootstrap, topics)
        return broker

    yield make
    for broker in brokers:
        broker.stop()


@pytest.fixture
def unique():
    """A short unique suffix for consumer group ids, database names and the like."""
    return uuid.uuid4().hex[:12]


@pytest.fixture
def wait_for():
    return testing.wait_for


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not chromium_path():
        pytest.fail("chromium is not installed: `make system-deps` installs it")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(**launch_kwargs())
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server on a free port (rate-limit stores shared by replicas)."""
    import shutil
    import subprocess

    import redis

    from devkit.testing import free_port, wait_for
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (make system-deps installs it)")
    port = free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(redis.Redis(host="127.0.0.1", port=port).ping, timeout=10, message="redis up")
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def request_tracker(tmp_path_factory):
    """A real Request Tracker 5 on a free port (SQLite): queue, connector user, auth tokens."""
    from devkit.rt import RequestTracker, rt_server
    if rt_server() is None:
        pytest.fail("request-tracker5 is not installed (make system-deps installs it)")
    rt = RequestTracker(port=free_port(), data_dir=tmp_path_factory.mktemp("rt")).start()
    yield rt
    rt.stop()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID provider (npm oidc-provider under Node) on a free port, with two people:
    one in a group mapped to a directorate, one in no group. The dashboard it serves must listen
    on `.app_url` (its registered redirect URI)."""
    from types import SimpleNamespace
    from devkit.oidc_provider import OidcProvider
    app_url = f"http://127.0.0.1:{free_port()}"
    client = {"client_id": "satisfaction-dashboard", "client_secret": "test-" + uuid.uuid4().hex,
              "redirect_uris": [f"{app_url}/dashboard/sign-in/sso/callback"]}
    users = {"ada.partner": {"email": "ada.partner@council.example", "name": "Ada Partner",
                             "groups": ["dashboard-adult-social-care", "staff"]},
             "no.group": {"email": "no.group@council.example", "name": "Nobody Mapped",
                          "groups": ["staff"]}}
    idp = OidcProvider([client], users, log_path=tmp_path_factory.mktemp("oidc") / "idp.log").start()
    yield SimpleNamespace(issuer=idp.issuer, client_id=client["client_id"],
                          client_secret=client["client_secret"], app_url=app_url, users=users)
    idp.stop()
