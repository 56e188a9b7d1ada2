"""chassis.serve on a real socket: one app per worker, SIGTERM drains, no orphaned workers."""
import os
import signal
import subprocess
import sys
import threading
from http import client as http_client
from pathlib import Path

import pytest

from devkit.procs import alive, port_open
from devkit.testing import free_port, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# The served app: GET / answers its pid; GET /slow waits until the test drops a `release` file.
SERVER = """
import os, sys, time
from pathlib import Path
from chassis.serve import serve

folder = Path(sys.argv[1])

def factory():
    with open(folder / "built", "a") as f:
        f.write(f"{os.getpid()}\\n")
    def app(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            (folder / "started").touch()
            deadline = time.monotonic() + 30
            while not (folder / "release").exists() and time.monotonic() < deadline:
                time.sleep(0.02)
        body = str(os.getpid()).encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]
    return app

serve(factory, f"127.0.0.1:{sys.argv[2]}", workers=2, threads=2)
"""


def get(port: int, path: str = "/") -> tuple[int, str]:
    conn = http_client.HTTPConnection("127.0.0.1", port, timeout=40)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode()


@pytest.fixture
def server(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(tmp_path), str(port)],
                               start_new_session=True)
    wait_for(lambda: get(port)[0] == 200, timeout=30, message="server up")
    wait_for(lambda: len((tmp_path / "built").read_text().split()) == 2, timeout=30,
             message="both workers built their app")
    yield process, port
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def workers(tmp_path: Path) -> set[int]:
    return set(map(int, (tmp_path / "built").read_text().split()))


def test_each_worker_process_builds_its_own_app(server, tmp_path):
    process, _ = server
    pids = workers(tmp_path)
    assert len(pids) == 2 and process.pid not in pids
    assert all(alive(pid) for pid in pids)


def test_sigterm_lets_a_request_in_flight_finish(server, tmp_path):
    process, port = server
    answers = []
    slow = threading.Thread(target=lambda: answers.append(get(port, "/slow")))
    slow.start()
    wait_for(lambda: (tmp_path / "started").exists(), timeout=10, message="slow request started")
    os.killpg(process.pid, signal.SIGTERM)
    wait_for(lambda: not port_open(port), timeout=10, message="listener closed")
    (tmp_path / "release").touch()
    slow.join(timeout=40)
    assert answers and answers[0][0] == 200
    assert process.wait(timeout=20) == 0


def test_workers_exit_when_the_master_is_killed(server, tmp_path):
    process, port = server
    pids = workers(tmp_path)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    wait_for(lambda: not any(alive(pid) for pid in pids), timeout=20, message="workers gone")
    assert not port_open(port)


def test_a_dead_worker_is_replaced(server, tmp_path):
    process, port = server
    dead = min(workers(tmp_path))
    os.kill(dead, signal.SIGKILL)
    wait_for(lambda: len(workers(tmp_path)) == 3, timeout=30, message="a new worker built its app")
    assert process.poll() is None and get(port)[0] == 200
    assert {pid for pid in workers(tmp_path) if alive(pid)} == workers(tmp_path) - {dead}
