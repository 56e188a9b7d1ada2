"""analysis-svc's /readyz fails while its consumer is not consuming (before the first poll, when
the consumer stopped), and `serve` exits non-zero when its consumer process dies, so compose's
restart policy acts (real broker, real worker)."""
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from chassis.testing import FakeClock
from devkit.procs import free_port

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.entrypoints import worker

pytestmark = pytest.mark.integration
T0 = datetime(2026, 10, 5, 10, tzinfo=timezone.utc)
STALLED = "unavailable: ConsumerStalled"


def _settings(tmp_path, kafka_bootstrap, **fields) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'analysis.db'}", model_dir="",
                    kafka_bootstrap_servers=kafka_bootstrap, admin_token="admin-secret", **fields)


def test_readyz_fails_until_the_consumer_polls_and_after_it_stops(tmp_path, kafka_bootstrap,
                                                                   unique, wait_for):
    settings = _settings(tmp_path, kafka_bootstrap, run_worker=True,
                         consumer_heartbeat_file=str(tmp_path / "beats" / "heartbeat"))
    clock = FakeClock(T0)
    bus = build(settings, clock=clock)
    client = create_app(bus).test_client()
    before = client.get("/readyz")
    assert before.status_code == 503 and before.json["checks"]["consumer"] == STALLED
    assert before.json["checks"]["database"] == "ok"
    stop = threading.Event()
    consuming = threading.Thread(target=worker.run, args=(bus, stop),
                                 kwargs={"group_id": f"analysis-ready-{unique}"}, daemon=True)
    consuming.start()
    try:
        wait_for(lambda: client.get("/readyz").status_code == 200, timeout=120,
                 message="readyz 200 once the consumer polls")
    finally:
        stop.set()
        consuming.join(60)
    assert client.get("/readyz").status_code == 200  # its last poll is still recent
    clock.advance(timedelta(seconds=settings.consumer_stale_s + 1))
    after = client.get("/readyz")
    assert after.status_code == 503 and after.json["checks"]["consumer"] == STALLED
    bus.close()


def test_without_an_in_process_consumer_readyz_does_not_ask_for_one(tmp_path, kafka_bootstrap):
    """`devkit run` and a separate worker: ANALYSIS_RUN_WORKER=false, no consumer check."""
    bus = build(_settings(tmp_path, kafka_bootstrap, run_worker=False,
                          consumer_heartbeat_file=str(tmp_path / "heartbeat")))
    ready = create_app(bus).test_client().get("/readyz")
    assert ready.status_code == 200 and "consumer" not in ready.json["checks"]
    bus.close()


def _readyz(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def _consumer_child(parent: int) -> int:
    """The pid of `serve`'s `consume` child process."""
    for stat in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = stat.read_bytes().split(b"\0")
            ppid = int((stat.parent / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"consume" in words:
            return int(stat.parent.name)
    return 0


def test_serve_exits_non_zero_when_its_consumer_process_dies(tmp_path, kafka_bootstrap, unique,
                                                           wait_for):
    """/readyz failing restarts nothing under docker compose; serve ending non-zero does."""
    port = free_port()
    env = {**os.environ, "ANALYSIS_DATABASE_URL": f"sqlite:///{tmp_path / 'analysis.db'}",
           "ANALYSIS_PORT": str(port), "ANALYSIS_MODEL_DIR": "", "ADMIN_TOKEN": "admin-secret",
           "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "ANALYSIS_GROUP_ID": f"analysis-serve-{unique}",
           "ANALYSIS_RUN_WORKER": "true", "ANALYSIS_CONSUMER_STALE_S": "3"}
    env.pop("ANALYSIS_CONSUMER_HEARTBEAT", None)  # serve picks its own file
    serving = subprocess.Popen([str(Path(sys.executable).parent / "analysis-svc"), "serve"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _readyz(port)[0] == 200, timeout=180, message="serve ready")
        child = wait_for(lambda: _consumer_child(serving.pid), timeout=10, message="consume child")
        os.kill(child, signal.SIGKILL)
        code = serving.wait(timeout=60)
    finally:
        if serving.poll() is None:
            serving.terminate()
            serving.wait(timeout=60)
    assert code == 1
    with pytest.raises(OSError):  # nothing listens any more: the container is restarted whole
        _readyz(port)


def test_serve_stopped_on_purpose_exits_zero(tmp_path, kafka_bootstrap, unique, wait_for):
    """SIGTERM (docker stop) ends the consumer too, and that is no failure."""
    port = free_port()
    env = {**os.environ, "ANALYSIS_DATABASE_URL": f"sqlite:///{tmp_path / 'analysis.db'}",
           "ANALYSIS_PORT": str(port), "ANALYSIS_MODEL_DIR": "", "ADMIN_TOKEN": "admin-secret",
           "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "ANALYSIS_GROUP_ID": f"analysis-stop-{unique}",
           "ANALYSIS_RUN_WORKER": "true"}
    env.pop("ANALYSIS_CONSUMER_HEARTBEAT", None)
    serving = subprocess.Popen([str(Path(sys.executable).parent / "analysis-svc"), "serve"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _readyz(port)[0] == 200, timeout=180, message="serve ready")
        child = wait_for(lambda: _consumer_child(serving.pid), timeout=10, message="consume child")
        serving.terminate()
        assert serving.wait(timeout=60) == 0
        assert not Path(f"/proc/{child}").exists()  # serve waited for it
    finally:
        if serving.poll() is None:
            serving.kill()
            serving.wait(timeout=60)


CRASHING_CONSUMER = """
import sys, threading
from analysis_svc.bootstrap import build
from analysis_svc.entrypoints import worker
def broken(bus, group_id=None):
    raise RuntimeError("the consumer cannot start")
worker.make_worker = broken  # every consumer the loop builds fails before its first poll
bus = build()
worker.run(bus, threading.Event())
"""


def test_a_consumer_that_keeps_failing_ends_its_process_non_zero(tmp_path, kafka_bootstrap,
                                                                 unique):
    env = {**os.environ, "ANALYSIS_DATABASE_URL": f"sqlite:///{tmp_path / 'analysis.db'}",
           "ANALYSIS_MODEL_DIR": "", "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
           "ANALYSIS_GROUP_ID": f"analysis-crash-{unique}", "ANALYSIS_RUN_WORKER": "true"}
    crashed = subprocess.run([sys.executable, "-c", CRASHING_CONSUMER], env=env, timeout=180,
                             capture_output=True, text=True)
    assert crashed.returncode == 1
    assert "ConsumerDied" in crashed.stderr and crashed.stderr.count("consumer stopped; restarting") \
        == worker.MAX_FAILURES - 1


def test_serve_ends_a_stalled_consumer_and_exits_non_zero(tmp_path, kafka_bootstrap, unique,
                                                           wait_for):
    """A consumer that hangs without raising (here SIGSTOP) stops its heartbeat: once it is older
    than ANALYSIS_CONSUMER_STALL_LIMIT_S serve ends the child and exits 1, for compose to restart."""
    port = free_port()
    beats = tmp_path / "beats" / "heartbeat"
    beats.parent.mkdir()
    beats.write_text("0.0")  # an earlier run's stamp: the limit counts from this child's start
    env = {**os.environ, "ANALYSIS_DATABASE_URL": f"sqlite:///{tmp_path / 'analysis.db'}",
           "ANALYSIS_PORT": str(port), "ANALYSIS_MODEL_DIR": "", "ADMIN_TOKEN": "admin-secret",
           "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
           "ANALYSIS_GROUP_ID": f"analysis-stall-{unique}", "ANALYSIS_RUN_WORKER": "true",
           "ANALYSIS_CONSUMER_HEARTBEAT": str(beats), "ANALYSIS_CONSUMER_STALL_LIMIT_S": "10"}
    log_file = tmp_path / "serve.log"
    with log_file.open("w") as log:
        serving = subprocess.Popen([str(Path(sys.executable).parent / "analysis-svc"), "serve"],
                                   env=env, stdout=subprocess.DEVNULL, stderr=log)
    child = 0
    try:
        wait_for(lambda: _readyz(port)[0] == 200, timeout=180, message="serve ready")
        child = wait_for(lambda: _consumer_child(serving.pid), timeout=10,
                         message="consume child")
        os.kill(child, signal.SIGSTOP)
        code = serving.wait(timeout=90)  # limit 10 s + a check every 2.5 s + the kill's grace
    finally:
        if serving.poll() is None:
            serving.terminate()
            serving.wait(timeout=60)
        if child and Path(f"/proc/{child}").exists():
            os.kill(child, signal.SIGKILL)
    assert code == 1
    assert not Path(f"/proc/{child}").exists()
    stalled = [json.loads(line) for line in log_file.read_text().splitlines()
               if "consumer stalled" in line]
    assert len(stalled) == 1
    assert stalled[0]["limit_s"] == 10.0 and stalled[0]["stalled_s"] >= 10
