"""ingest-svc throughput and latency, every answer acknowledged by Kafka (acks=all).

Run: .venv/bin/python bench/bench_ingest.py [--single 5000] [--batch 20000] [--rate 500]
Starts a private Kafka broker (or uses --bootstrap) and a real `ingest-svc serve` (gunicorn),
then measures in one run: the raw kafka-python producer (baseline), POST /v1/responses,
POST /v1/responses/batch, and p50/p99 latency at a fixed offered rate (open loop: latency is
counted from each request's scheduled time, so a stall is not hidden).
"""
import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from kafka import KafkaProducer

from chassis.tokens import generate_keypair
from contracts import encode, make_envelope
from devkit.kafka import Broker, create_topics
from devkit.testing import free_port, wait_for

TOKEN = "bench-token"


def answer(n: int) -> dict:
    return {"score": n % 5 + 1, "directorate": "Bench", "team": "Desk", "ticket_id": f"B-{n}"}


def raw_producer(bootstrap: str, count: int) -> float:
    """Baseline: the same events, encoded the same way, pushed straight by kafka-python."""
    now = datetime.now(timezone.utc).isoformat()
    envelopes = [make_envelope("response.submitted", {
        **answer(n), "response_id": uuid.uuid4().hex, "version": 1, "channel": "bench",
        "submitted_at": now}, "bench") for n in range(count)]
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                             linger_ms=2)
    started = time.perf_counter()
    futures = [producer.send(e.topic, encode(e), key=e.key.encode()) for e in envelopes]
    for future in futures:
        future.get(timeout=60)
    elapsed = time.perf_counter() - started
    producer.close()
    return count / elapsed


class Client:
    """One keep-alive HTTP connection per thread."""

    def __init__(self, port: int):
        self.local, self.port = threading.local(), port

    def post(self, path: str, body: bytes, content_type="application/json") -> tuple[int, bytes]:
        conn = getattr(self.local, "conn", None) or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.local.conn = conn
        try:
            conn.request("POST", path, body, {"Content-Type": content_type,
                                              "Authorization": f"Bearer {TOKEN}"})
            response = conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.local.conn = None
            conn.close()
            raise


def single_endpoint(client: Client, count: int, concurrency: int) -> float:
    bodies = [json.dumps(answer(n)).encode() for n in range(count)]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        statuses = list(pool.map(lambda b: client.post("/v1/responses", b)[0], bodies))
    elapsed = time.perf_counter() - started
    assert statuses.count(202) == count, f"{count - statuses.count(202)} not accepted"
    return count / elapsed


def batch_endpoint(client: Client, count: int, lines_per_batch: int, concurrency: int) -> float:
    lines = [json.dumps(answer(n)) for n in range(count)]
    batches = ["\n".join(lines[i:i + lines_per_batch]).encode()
               for i in range(0, count, lines_per_batch)]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda b: client.post("/v1/responses/batch", b, "application/x-ndjson"), batches))
    elapsed = time.perf_counter() - started
    accepted = sum(json.loads(body)["accepted"] for status, body in results if status == 200)
    assert accepted == count, f"only {accepted} of {count} accepted"
    return count / elapsed


def fixed_rate(client: Client, rate: int, seconds: float, concurrency: int) -> dict:
    """Offer `rate` answers/s for `seconds`; latency from each request's scheduled start."""
    total = int(rate * seconds)
    latencies, failures = [], []
    start = time.perf_counter() + 0.2

    def one(n: int):
        scheduled = start + n / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)  # the open-loop schedule itself, not a synchronisation
        status, _ = client.post("/v1/responses", json.dumps(answer(n)).encode())
        (latencies if status == 202 else failures).append(time.perf_counter() - scheduled)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(total)))
    achieved = total / (time.perf_counter() - start)
    q = statistics.quantiles(latencies, n=100)
    return {"offered": rate, "achieved": achieved, "p50_ms": q[49] * 1000,
            "p99_ms": q[98] * 1000, "failed": len(failures)}


def start_ingest(bootstrap: str, folder: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "INGEST_PORT": str(port), "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
           "INGEST_DATABASE_URL": f"sqlite:///{folder}/ingest.db",
           "INGEST_SPOOL_DIR": f"{folder}/spool", "SURVEY_VERIFY_KEY": generate_keypair()[1],
           "INGEST_SECRET_KEY": uuid.uuid4().hex, "INGEST_API_TOKENS": f"bench:{TOKEN}",
           "INGEST_WORKERS": str(workers), "INGEST_THREADS": "16", "LOG_LEVEL": "WARNING"}
    cli = str(Path(sys.executable).with_name("ingest-svc"))
    process = subprocess.Popen([cli, "serve"], env=env, start_new_session=True)

    def up():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    wait_for(up, timeout=60, message="ingest-svc up")
    return process, port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="use this broker instead of starting a private one")
    parser.add_argument("--single", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=20000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        broker = None
        if not args.bootstrap:
            broker = Broker(port=free_port(), controller_port=free_port(),
                            data_dir=Path(folder) / "kafka").start()
            create_topics(broker.bootstrap)
        bootstrap = args.bootstrap or broker.bootstrap
        process, port = start_ingest(bootstrap, folder, args.workers)
        try:
            client = Client(port)
            single_endpoint(client, 200, args.concurrency)  # warm up connections and producers
            raw = raw_producer(bootstrap, args.batch)
            single = single_endpoint(client, args.single, args.concurrency)
            batch = batch_endpoint(client, args.batch, 1000, 4)
            latency = fixed_rate(client, args.rate, args.seconds, args.concurrency * 4)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
            if broker:
                broker.stop()
    print(f"raw kafka-python producer : {raw:9.0f} events/s   (baseline)")
    print(f"POST /v1/responses        : {single:9.0f} answers/s  ({args.concurrency} clients; goal 1,000)")
    print(f"POST /v1/responses/batch  : {batch:9.0f} answers/s  ratio to raw producer {batch / raw:.2f} (goal >= 0.50)")
    print(f"fixed rate {latency['offered']}/s for {args.seconds:.0f}s : achieved {latency['achieved']:.0f}/s, "
          f"p50 {latency['p50_ms']:.1f} ms, p99 {latency['p99_ms']:.1f} ms (goal p99 < 50 ms), "
          f"failed {latency['failed']}")


if __name__ == "__main__":
    main()
