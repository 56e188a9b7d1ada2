"""ingest-svc throughput and latency, every answer acknowledged by Kafka (acks=all).

Run: .venv/bin/python bench/bench_ingest.py [--single 5000] [--batch 20000] [--rate 500]
Starts a private Kafka broker (or uses --bootstrap) and a real `ingest-svc serve` (gunicorn),
then measures in one run: the raw kafka-python producer (baselines), POST /v1/responses,
POST /v1/responses/batch, and p50/p99 latency at a fixed offered rate (open loop: latency is
counted from each request's scheduled time, so a stall is not hidden). The HTTP load comes
from a separate asyncio process, so it neither shares the server's GIL nor this one's.
Server CPU per answer (gunicorn's processes, from /proc) is printed too: on a shared machine
it is steadier than answers/s, which depend on how much CPU the others leave us.
"""
import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

TOKEN = "bench-token"


def answer(n: int) -> dict:
    return {"score": n % 5 + 1, "directorate": "Bench", "team": "Desk", "ticket_id": f"B-{n}"}


def load_avg() -> str:
    return "load " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


# --- the load generator: runs in its own process (--load-gen) --------------------------------

class Conn:
    """One keep-alive HTTP/1.1 connection; just enough protocol for this bench."""

    def __init__(self, port: int):
        self.port, self.reader, self.writer = port, None, None

    async def post(self, path: str, body: bytes, content_type="application/json",
                   extra: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(b"POST %s HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer %s\r\n%s"
                          b"Content-Type: %s\r\nContent-Length: %d\r\n\r\n%s" % (
                              path.encode(), TOKEN.encode(), extra, content_type.encode(), len(body), body))
        head = await self.reader.readuntil(b"\r\n\r\n")
        headers = dict(line.lower().split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line)
        data = await self.reader.readexactly(int(headers.get(b"content-length", 0)))
        if headers.get(b"connection", b"").strip() == b"close":
            self.writer.close()
            self.writer = None
        return int(head[9:12]), data


async def closed_loop(port: int, bodies: list[bytes], path: str, ctype: str, clients: int,
                      keyed: bool = False) -> dict:
    pending, results, run = enumerate(bodies), [], uuid.uuid4().hex

    async def client():
        conn = Conn(port)
        for n, body in pending:
            extra = b"Idempotency-Key: %s-%d\r\n" % (run.encode(), n) if keyed else b""
            results.append(await conn.post(path, body, ctype, extra))
    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return {"elapsed": time.perf_counter() - started, "results": results}


async def open_loop(port: int, rate: int, seconds: float, clients: int) -> dict:
    """Offer `rate` answers/s; each waits for a free connection, latency from its schedule."""
    total, free, latencies, failed = int(rate * seconds), asyncio.Queue(), [], 0
    for _ in range(clients):
        free.put_nowait(Conn(port))

    async def one(n: int, scheduled: float):
        nonlocal failed
        conn = await free.get()
        try:
            status, _ = await conn.post("/v1/responses", json.dumps(answer(n)).encode())
        finally:
            free.put_nowait(conn)
        if status == 202:
            latencies.append(time.perf_counter() - scheduled)
        else:
            failed += 1
    start, tasks = time.perf_counter() + 0.1, []
    for n in range(total):
        scheduled = start + n / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))  # the schedule itself
        tasks.append(asyncio.ensure_future(one(n, scheduled)))
    await asyncio.gather(*tasks)
    q = statistics.quantiles(latencies, n=100)
    return {"offered": rate, "achieved": total / (time.perf_counter() - start),
            "p50_ms": q[49] * 1000, "p99_ms": q[98] * 1000, "failed": failed}


def load_gen(args) -> dict:
    if args.mode in ("single", "keyed"):
        bodies = [json.dumps(answer(n)).encode() for n in range(args.count)]
        out = asyncio.run(closed_loop(args.port, bodies, "/v1/responses", "application/json",
                                      args.clients, keyed=args.mode == "keyed"))
        accepted = sum(status == 202 for status, _ in out["results"])
    elif args.mode == "batch":
        lines = [json.dumps(answer(n)) for n in range(args.count)]
        bodies = ["\n".join(lines[i:i + 1000]).encode() for i in range(0, args.count, 1000)]
        out = asyncio.run(closed_loop(args.port, bodies, "/v1/responses/batch", "application/x-ndjson", args.clients))
        accepted = sum(json.loads(body)["accepted"] for status, body in out["results"] if status == 200)
    else:
        return asyncio.run(open_loop(args.port, args.rate, args.seconds, args.clients))
    assert accepted == args.count, f"only {accepted} of {args.count} accepted"
    return {"rate": args.count / out["elapsed"]}


# --- the orchestrator -------------------------------------------------------------------------

def envelopes_for(count: int) -> list:
    from contracts import make_envelope
    now = datetime.now(timezone.utc).isoformat()
    return [make_envelope("response.submitted", {
        **answer(n), "response_id": uuid.uuid4().hex, "version": 1, "channel": "bench",
        "submitted_at": now}, "bench") for n in range(count)]


def raw_producer(bootstrap: str, count: int, waiters: int | None, encoded: bool = False) -> float:
    """The same events through kafka-python, each encoded in the timed loop as the service must
    (`encoded`: bytes made beforehand, the transport alone). Pipelined when waiters is None, else
    each of `waiters` threads sends one and awaits its ack before the next, as a request does."""
    from contracts import encode
    from kafka import KafkaProducer
    envelopes = envelopes_for(count)
    ready = [(e.topic, e.key.encode(), encode(e)) for e in envelopes] if encoded else None
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                             linger_ms=2)
    producer.send(envelopes[0].topic, value=encode(envelopes[0])).get(timeout=60)  # connect first

    def send(e):
        return producer.send(e.topic, value=encode(e), key=e.key.encode())
    started = time.perf_counter()
    if waiters is None:
        futures = ([producer.send(t, value=v, key=k) for t, k, v in ready] if encoded
                   else [send(e) for e in envelopes])
        for future in futures:
            future.get(timeout=60)
    else:
        with ThreadPoolExecutor(waiters) as pool:
            list(pool.map(lambda e: send(e).get(timeout=60), envelopes))
    elapsed = time.perf_counter() - started
    producer.close()
    return count / elapsed


def run_load(port: int, mode: str, **options) -> dict:
    argv = [sys.executable, __file__, "--load-gen", mode, "--port", str(port)]
    for name, value in options.items():
        argv += [f"--{name}", str(value)]
    return json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)


def start_ingest(bootstrap: str, folder: str, workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    from chassis.tokens import generate_keypair
    from devkit.testing import free_port, wait_for
    port = free_port()
    env = {**os.environ, "INGEST_PORT": str(port), "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
           "INGEST_DATABASE_URL": f"sqlite:///{folder}/ingest.db",
           "INGEST_SPOOL_DIR": f"{folder}/spool", "SURVEY_VERIFY_KEY": generate_keypair()[1],
           "INGEST_SECRET_KEY": uuid.uuid4().hex, "INGEST_API_TOKENS": f"bench:{TOKEN}",
           "INGEST_WORKERS": str(workers), "INGEST_THREADS": str(threads), "LOG_LEVEL": "WARNING"}
    cli = str(Path(sys.executable).with_name("ingest-svc"))
    process = subprocess.Popen([cli, "serve"], env=env, start_new_session=True)

    def up():
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    wait_for(up, timeout=60, message="ingest-svc up")
    return process, port


def server_pids(process: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    return [process.pid, *map(int, children)]


def measure(args, bootstrap: str, folder: str) -> dict:
    out = {"load": [load_avg()]}
    out["raw_cold"] = raw_producer(bootstrap, args.batch, None)  # a fresh broker's JVM is cold
    out["raw"] = raw_producer(bootstrap, args.batch, None)
    out["raw_bytes"] = raw_producer(bootstrap, args.batch, None, encoded=True)
    out["raw_waiting"] = raw_producer(bootstrap, args.single, args.concurrency)
    out["raw_one"] = raw_producer(bootstrap, 500, 1)
    process, port = start_ingest(bootstrap, folder, args.workers, args.threads)
    try:
        run_load(port, "single", count=300, clients=args.concurrency)  # warm up
        pids, out["load"] = server_pids(process), out["load"] + [load_avg()]
        cpu = cpu_seconds(pids)
        out["single"] = run_load(port, "single", count=args.single, clients=args.concurrency)["rate"]
        out["cpu_us"] = (cpu_seconds(pids) - cpu) / args.single * 1e6
        out["keyed"] = run_load(port, "keyed", count=args.single, clients=args.concurrency)["rate"]
        out["batch"] = run_load(port, "batch", count=args.batch, clients=4)["rate"]
        out["load"].append(load_avg())
        out["latency"] = run_load(port, "fixed", rate=args.rate, seconds=args.seconds,
                                  clients=args.concurrency * 2)
        out["load"].append(load_avg())
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return out


def report(args, r: dict) -> None:
    lat = r["latency"]
    print(f"machine: {os.cpu_count()} cores, {' -> '.join(r['load'])}")
    print(f"raw kafka-python producer : {r['raw']:9.0f} events/s   (baseline: encode + send pipelined,"
          f" then all acks; {r['raw_cold']:.0f}/s on the cold broker's first pass;"
          f" {r['raw_bytes']:.0f}/s sending bytes encoded beforehand)")
    print(f"raw, {args.concurrency} threads each awaiting its ack: {r['raw_waiting']:6.0f} events/s"
          f"   raw, one at a time: {r['raw_one']:.0f} events/s")
    print(f"POST /v1/responses        : {r['single']:9.0f} answers/s  ({args.concurrency} clients; goal 1,000;"
          f" {r['single'] / r['raw_waiting']:.2f} of raw with {args.concurrency} waiters);"
          f" server CPU {r['cpu_us']:.0f} us/answer")
    print(f"  with an Idempotency-Key : {r['keyed']:9.0f} answers/s  (each key stored in SQLite, fsync'd)")
    print(f"POST /v1/responses/batch  : {r['batch']:9.0f} answers/s  ratio to raw producer"
          f" {r['batch'] / r['raw']:.2f} (goal >= 0.50; {r['batch'] / r['raw_bytes']:.2f} of the bytes-only rate)")
    print(f"fixed rate {lat['offered']}/s for {args.seconds:.0f}s : achieved {lat['achieved']:.0f}/s, "
          f"p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms (goal p99 < 50 ms), "
          f"failed {lat['failed']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="use this broker instead of starting a private one")
    parser.add_argument("--single", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=20000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--load-gen", dest="mode", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(load_gen(args)))
        return
    from devkit.kafka import Broker, create_topics
    from devkit.testing import free_port
    with tempfile.TemporaryDirectory() as folder:
        broker = None
        if not args.bootstrap:
            broker = Broker(port=free_port(), controller_port=free_port(),
                            data_dir=Path(folder) / "kafka").start()
            create_topics(broker.bootstrap)
        try:
            result = measure(args, args.bootstrap or broker.bootstrap, folder)
        finally:
            if broker:
                broker.stop()
    report(args, result)


if __name__ == "__main__":
    main()
