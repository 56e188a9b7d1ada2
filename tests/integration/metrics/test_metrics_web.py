"""The web /metrics under granian with two workers: every worker's requests counted once, in one
scrape, a dead worker's counts kept and its live gauges dropped once it is replaced."""
import os
import signal
import subprocess
import sys
from http import client as http_client
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from devkit.procs import alive
from devkit.testing import free_port, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# A service app from chassis.web with one extra route that answers its worker's pid.
SERVER = """
import os, sys
from pathlib import Path
from chassis.serve import serve
from chassis.web import create_service_app

folder = Path(sys.argv[1])

def factory():
    app, _ = create_service_app("demo", None, title="demo")
    app.add_url_rule("/pid/<int:n>", "pid", lambda n: str(os.getpid()))
    with open(folder / "built", "a") as f:
        f.write(f"{os.getpid()}\\n")
    return app

serve(factory, f"127.0.0.1:{sys.argv[2]}", workers=2, threads=2)
"""
PID_SERIES = {"endpoint": "/pid/<int:n>", "method": "GET", "service": "demo", "status": "200"}


def get(port: int, path: str) -> tuple[int, str]:
    conn = http_client.HTTPConnection("127.0.0.1", port, timeout=30)  # a new connection each time
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def built(folder: Path) -> list[int]:
    path = folder / "built"
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


def requests_counted(port: int) -> float:
    status, text = get(port, "/metrics")
    assert status == 200
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == "http_requests_total" and s.labels == PID_SERIES:
                return s.value
    return 0.0


def histogram_count(text: str) -> float:
    labels = {k: v for k, v in PID_SERIES.items() if k != "status"}
    return next(s.value for f in text_string_to_metric_families(text) for s in f.samples
                if s.name == "http_request_duration_seconds_count" and s.labels == labels)


@pytest.fixture
def server(tmp_path):
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"left by a previous run")  # unreadable if kept
    port = free_port()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(tmp_path), str(port)],
                               env=env, start_new_session=True)
    wait_for(lambda: len(built(tmp_path)) == 2, timeout=60, message="both workers built their app")
    wait_for(lambda: get(port, "/healthz")[0] == 200, timeout=30, message="server up")
    yield port, metrics_dir
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def spread_requests(port: int, at_least: int) -> dict[int, int]:
    """GET /pid/n on fresh connections until both workers served some; how many each served."""
    served: dict[int, int] = {}
    for n in range(400):
        status, pid = get(port, f"/pid/{n}")
        assert status == 200
        served[int(pid)] = served.get(int(pid), 0) + 1
        if len(served) == 2 and n + 1 >= at_least:
            return served
    pytest.fail(f"one worker served every request: {served}")


def test_one_scrape_sums_the_requests_of_both_workers(server):
    port, metrics_dir = server
    assert not (metrics_dir / "counter_1.db").exists()  # emptied at start
    served = spread_requests(port, at_least=30)
    assert len(served) == 2 and all(count > 0 for count in served.values())
    total = sum(served.values())
    # whichever worker answers the scrape, it reports both workers' requests
    assert [requests_counted(port) for _ in range(6)] == [total] * 6
    status, text = get(port, "/metrics")
    assert histogram_count(text) == total
    assert 'endpoint="/pid/<int:n>"' in text and 'endpoint="/pid/0"' not in text  # the template


def test_a_dead_workers_counts_stay_and_its_live_gauges_go(server, tmp_path):
    port, metrics_dir = server
    served = spread_requests(port, at_least=10)
    dead = next(iter(served))
    assert (metrics_dir / f"gauge_livesum_{dead}.db").exists()
    os.kill(dead, signal.SIGKILL)
    wait_for(lambda: len(built(tmp_path)) == 3, timeout=60, message="a replacement worker built its app")
    wait_for(lambda: not alive(dead), timeout=10, message="the dead worker reaped")
    assert not (metrics_dir / f"gauge_livesum_{dead}.db").exists()
    wait_for(lambda: get(port, "/healthz")[0] == 200, timeout=30, message="serving again")
    assert requests_counted(port) == sum(served.values())


def test_a_real_service_under_two_workers_counts_each_request_once(tmp_path, kafka_bootstrap):
    """`ingest-svc serve` (INGEST_WORKERS=2): every scrape answers the sum of both workers."""
    from chassis.tokens import generate_keypair
    port, metrics_dir = free_port(), tmp_path / "prometheus"
    env = {**os.environ, "INGEST_PORT": str(port), "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
           "INGEST_DATABASE_URL": f"sqlite:///{tmp_path / 'ingest.db'}",
           "INGEST_SPOOL_DIR": str(tmp_path / "spool"), "SURVEY_VERIFY_KEY": generate_keypair()[1],
           "INGEST_SECRET_KEY": "metrics-test", "REPLY_TAG_KEY": "metrics-test",
           "INGEST_WORKERS": "2", "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    process = subprocess.Popen([str(Path(sys.executable).with_name("ingest-svc")), "serve"], env=env,
                               start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    labels = {"endpoint": "/healthz", "method": "GET", "service": "ingest-svc", "status": "200"}
    answered = []  # every /healthz this test saw answered, whichever worker answered it

    def healthz() -> bool:
        if get(port, "/healthz")[0] == 200:
            answered.append(1)
            return True
        return False
    try:
        wait_for(healthz, timeout=90, message="ingest-svc up")
        for _ in range(60):
            if len(list(metrics_dir.glob("counter_*.db"))) == 2:  # both workers answered some
                break
            healthz()
        else:
            pytest.fail("one worker answered every request")
        for _ in range(25):
            assert healthz()
        assert [counted(port, labels) for _ in range(6)] == [len(answered)] * 6
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def counted(port: int, labels: dict) -> float:
    status, text = get(port, "/metrics")
    assert status == 200
    return next(s.value for f in text_string_to_metric_families(text) for s in f.samples
                if s.name == "http_requests_total" and s.labels == labels)
