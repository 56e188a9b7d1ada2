"""ingest-svc throughput and latency, every answer acknowledged by Kafka (acks=all).

Run: .venv/bin/python bench/bench_ingest.py [--single 5000] [--batch 20000] [--rate 500]
Starts a private Kafka broker (or uses --bootstrap) and a real `ingest-svc serve` (granian),
then measures in one run: the raw kafka-python producer (the issue's baseline; confluent-kafka
for context, ingest_raw.py), POST /v1/responses, POST /v1/responses/batch, and p50/p99 latency
at a fixed offered rate (open loop: latency is counted from each request's scheduled time, so
a stall is not hidden). The HTTP load comes from a separate asyncio process (ingest_load.py),
so it neither shares the server's GIL nor this one's; it reports its own CPU per request.
Server CPU per answer (the server's processes, from /proc) is printed too: on a shared machine
it is steadier than answers/s, which depend on how much CPU the others leave us.
Every answer names an invitation announced beforehand (as survey-svc's invitation.created
would), so each is checked against it and, after the first pass, amends its answer.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import ingest_raw
from ingest_load import TOKEN, invitation_id

LOAD = str(Path(__file__).with_name("ingest_load.py"))


def load_avg() -> str:
    return "load " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


# --- the orchestrator -------------------------------------------------------------------------

def run_load(port: int, mode: str, **options) -> dict:
    argv = [sys.executable, LOAD, mode, "--port", str(port)]
    for name, value in options.items():
        argv += [f"--{name}", str(value)]
    return json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)


class NoBroker:
    def close(self) -> None:
        return None


def announce_invitations(env: dict, count: int) -> None:
    """What ingest learns from survey-svc's invitation.created: every bench answer names one."""
    from ingest_svc.bootstrap import build
    from ingest_svc.config import Settings
    from ingest_svc.domain.model import Cohort, Invitation
    bus = build(Settings.from_env(env), publisher=NoBroker())
    try:
        with bus.uow_factory() as uow:
            for n in range(count):
                uow.invitations.upsert(Invitation(invitation_id(n), Cohort("Bench", team="Desk"), f"B-{n}"))
            uow.commit()
    finally:
        bus.close()


def start_ingest(bootstrap: str, folder: str, workers: int, threads: int,
                 invitations: int) -> tuple[subprocess.Popen, int]:
    from chassis.tokens import generate_keypair
    from devkit.testing import free_port, wait_for
    port = free_port()
    env = {**os.environ, "INGEST_PORT": str(port), "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
           "INGEST_DATABASE_URL": f"sqlite:///{folder}/ingest.db",
           "INGEST_SPOOL_DIR": f"{folder}/spool", "SURVEY_VERIFY_KEY": generate_keypair()[1],
           "INGEST_SECRET_KEY": uuid.uuid4().hex, "INGEST_API_TOKENS": f"bench:{TOKEN}",
           "REPLY_TAG_KEY": uuid.uuid4().hex, "PRIVACY_MASTER_KEY": uuid.uuid4().hex * 2,
           "PRIVACY_VAULT_URL": f"sqlite:///{folder}/vault.db",
           "INGEST_WORKERS": str(workers), "INGEST_THREADS": str(threads), "LOG_LEVEL": "WARNING"}
    if os.environ.get("BENCH_WITHOUT_INVITATIONS") != "1":
        announce_invitations(env, invitations)
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
    raw = ingest_raw.kafka_python
    out["raw_cold"] = raw(bootstrap, args.batch, None)  # a fresh broker's JVM is cold
    out["raw"] = raw(bootstrap, args.batch, None)
    out["raw_bytes"] = raw(bootstrap, args.batch, None, encoded=True)
    out["raw_waiting"] = raw(bootstrap, args.single, args.concurrency)
    out["raw_one"] = raw(bootstrap, 500, 1)
    out["confluent"] = ingest_raw.confluent(bootstrap, args.batch)
    invitations = max(args.single, args.batch, int(args.rate * args.seconds), 300)
    process, port = start_ingest(bootstrap, folder, args.workers, args.threads, invitations)
    try:
        run_load(port, "single", count=300, clients=args.concurrency)  # warm up
        pids, out["load"] = server_pids(process), out["load"] + [load_avg()]
        cpu = cpu_seconds(pids)
        out["single"] = run_load(port, "single", count=args.single, clients=args.concurrency)
        out["cpu_us"] = (cpu_seconds(pids) - cpu) / args.single * 1e6
        out["keyed"] = run_load(port, "keyed", count=args.single, clients=args.concurrency)
        cpu = cpu_seconds(pids)
        out["batch"] = run_load(port, "batch", count=args.batch, clients=4)
        out["batch_cpu_us"] = (cpu_seconds(pids) - cpu) / args.batch * 1e6
        out["load"].append(load_avg())
        out["latency"] = run_load(port, "fixed", rate=args.rate, seconds=args.seconds,
                                  clients=args.concurrency * 2)
        out["load"].append(load_avg())
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    return out


def report(args, r: dict) -> None:
    lat, single, keyed, batch = r["latency"], r["single"]["rate"], r["keyed"]["rate"], r["batch"]["rate"]
    print(f"machine: {os.cpu_count()} cores, {' -> '.join(r['load'])}")
    print(f"raw kafka-python producer : {r['raw']:9.0f} events/s   (baseline: encode + send pipelined,"
          f" then all acks; {r['raw_cold']:.0f}/s on the cold broker's first pass;"
          f" {r['raw_bytes']:.0f}/s sending bytes encoded beforehand)")
    print(f"raw, {args.concurrency} threads each awaiting its ack: {r['raw_waiting']:6.0f} events/s"
          f"   raw, one at a time: {r['raw_one']:.0f} events/s")
    if r["confluent"]:
        print(f"raw confluent-kafka producer (context, not the baseline): {r['confluent']:.0f} events/s")
    print(f"POST /v1/responses        : {single:9.0f} answers/s  ({args.concurrency} clients; goal 1,000;"
          f" {single / r['raw_waiting']:.2f} of raw with {args.concurrency} waiters);"
          f" server CPU {r['cpu_us']:.0f} us/answer, load generator {r['single']['client_cpu_us']:.0f} us/request")
    print(f"  with an Idempotency-Key : {keyed:9.0f} answers/s  (each key stored in SQLite, fsync'd)")
    print(f"POST /v1/responses/batch  : {batch:9.0f} answers/s  ratio to raw producer"
          f" {batch / r['raw']:.2f} (goal >= 0.50; {batch / r['raw_bytes']:.2f} of the bytes-only rate);"
          f" server CPU {r['batch_cpu_us']:.0f} us/answer")
    print(f"fixed rate {lat['offered']}/s for {args.seconds:.0f}s : achieved {lat['achieved']:.0f}/s, "
          f"p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms (goal p99 < 50 ms), "
          f"failed {lat['failed']}; load generator {lat['client_cpu_us']:.0f} us/request")


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
    parser.add_argument("--without-invitations", action="store_true",
                        help="answers that name no invitation (the workload before issue #11)")
    args = parser.parse_args()
    if args.without_invitations:
        os.environ["BENCH_WITHOUT_INVITATIONS"] = "1"  # read by the load generator too
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
