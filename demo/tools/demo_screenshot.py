"""Run the demo through the real pipeline on a private broker and photograph the dashboard.

Usage: .venv/bin/python demo/tools/demo_screenshot.py docs/
Starts a throwaway Kafka broker and analysis-svc (fresh SQLite), runs `suite-demo seed` and a
short trickle, waits until the consumer has caught up, then saves docs/dashboard.png and
docs/board-report.png (page 1 of the PDF from `analysis-svc report`).
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from contracts import topics
from devkit.browser import launch_kwargs
from kafka import KafkaConsumer, TopicPartition
from devkit.kafka import Broker, create_topics
from devkit.procs import free_port
from devkit.testing import wait_for
from playwright.sync_api import sync_playwright

BIN = Path(sys.executable).parent
ADMIN = "demo-admin-token-for-screenshots"


def total_responses(base: str) -> int:
    request = urllib.request.Request(f"{base}/v1/trends?period=month&group_by=directorate",
                                     headers={"Authorization": f"Bearer {ADMIN}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return sum(r["responses"] or 0 for r in json.load(answer))


def caught_up(bootstrap: str) -> bool:
    """True once analysis-svc's consumer group has committed up to the end of both topics."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id="analysis-svc", enable_auto_commit=False)
    try:
        parts = [TopicPartition(t, p) for t in (topics.SURVEYS_LIFECYCLE, topics.FEEDBACK_RESPONSES)
                 for p in consumer.partitions_for_topic(t)]
        ends = consumer.end_offsets(parts)
        lag = sum(end - (consumer.committed(tp) or 0) for tp, end in ends.items())
        print(f"consumer lag: {lag} messages", flush=True)
        return lag == 0
    finally:
        consumer.close()


def main(out: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="demo-shot-"))
    broker = Broker(port=free_port(), controller_port=free_port(), data_dir=work / "kafka").start()
    create_topics(broker.bootstrap)
    port = free_port()
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap, "ADMIN_TOKEN": ADMIN,
           "ANALYSIS_DATABASE_URL": f"sqlite:///{work}/analysis.db", "ANALYSIS_PORT": str(port),
           "DEMO_STATE_DIR": str(work)}
    server = subprocess.Popen([BIN / "analysis-svc", "serve"], env=env, stdout=open(work / "svc.log", "w"),
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200, timeout=120)
        subprocess.run([BIN / "suite-demo", "seed"], env=env, check=True)
        subprocess.run([BIN / "suite-demo", "trickle", "--count", "5", "--interval", "0.2"], env=env, check=True)
        wait_for(lambda: caught_up(broker.bootstrap), timeout=1200, interval=10)
        print(f"stored {total_responses(base)} responses through the pipeline", flush=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(**launch_kwargs())
            page = browser.new_page(viewport={"width": 1280, "height": 1500})
            page.goto(f"{base}/dashboard/sign-in")
            page.get_by_label("Access token").fill(ADMIN)
            page.get_by_role("button", name="Sign in").click()
            page.goto(f"{base}/dashboard?period=month")
            page.screenshot(path=str(out / "dashboard.png"))
            browser.close()
        end = date.today().replace(day=1) - timedelta(days=1)
        pdf = work / "board.pdf"
        subprocess.run([BIN / "analysis-svc", "report", "--from", str((end - timedelta(days=150)).replace(day=1)),
                        "--to", str(end), "--out", str(pdf)], env=env, check=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(out / "board-report")], check=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
        broker.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs").resolve())
