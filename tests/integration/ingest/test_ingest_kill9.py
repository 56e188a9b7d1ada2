"""kill -9 of a real `ingest-svc serve` under load: no acknowledged answer goes missing."""
import os
import signal
import subprocess
import sys
import threading
import uuid
from http import client as http_client
from pathlib import Path

import pytest

from devkit.testing import free_port, wait_for

from ingest_svc.adapters.spool import Spool

from .ingest_support import http, read_all

pytestmark = [pytest.mark.integration, pytest.mark.slow]
CLI = str(Path(sys.executable).with_name("ingest-svc"))


def start_service(env) -> subprocess.Popen:
    process = subprocess.Popen([CLI, "serve"], env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{env['INGEST_PORT']}/healthz"
    wait_for(lambda: http("GET", url, timeout=1)[0] == 200, timeout=60, message="ingest-svc up")
    return process


def load(base: str, acked: list, stop: threading.Event, tag: str) -> None:
    while not stop.is_set():
        try:
            status, body = http("POST", f"{base}/v1/responses", {
                "score": 3, "directorate": "Place", "ticket_id": tag},
                {"Authorization": "Bearer chat-token"})
        except (OSError, http_client.HTTPException):
            # Unreachable, or killed mid-answer: not acknowledged, the client would retry.
            continue
        if status == 202:
            acked.append(body["response_id"])


def test_kill_9_under_load_loses_no_acknowledged_answer(private_broker, survey_keys, tmp_path):
    broker, port, tag = private_broker(), free_port(), uuid.uuid4().hex
    env = {**os.environ, "INGEST_PORT": str(port), "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
           "INGEST_DATABASE_URL": f"sqlite:///{tmp_path / 'ingest.db'}",
           "INGEST_SPOOL_DIR": str(tmp_path / "spool"), "SURVEY_VERIFY_KEY": survey_keys[1],
           "INGEST_SECRET_KEY": uuid.uuid4().hex, "INGEST_API_TOKENS": "chat:chat-token",
           "REPLY_TAG_KEY": uuid.uuid4().hex, "INGEST_WORKERS": "2", "INGEST_ACK_TIMEOUT_S": "1"}
    process = start_service(env)
    acked, stop = [], threading.Event()
    threads = [threading.Thread(target=load, args=(f"http://127.0.0.1:{port}", acked, stop, tag))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: len(acked) >= 200, timeout=60, message="200 acknowledged")
        broker.stop()  # part of the load now lands in the spool
        wait_for(lambda: Spool(tmp_path / "spool").count() >= 50, timeout=60, message="spooling")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    spooled = Spool(tmp_path / "spool").count()
    broker.start()
    process = start_service(env)  # the restarted service's flusher replays the spool
    try:
        wait_for(lambda: Spool(tmp_path / "spool").count() == 0, timeout=90, message="spool drained")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    delivered = {e.data["response_id"] for e in read_all(broker.bootstrap, len(set(acked)))
                 if e.data.get("ticket_id") == tag}
    missing = set(acked) - delivered
    assert len(acked) >= 250 and spooled >= 50
    assert not missing, f"{len(missing)} acknowledged answers missing"
