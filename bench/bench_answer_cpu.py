"""CPU per answer on ingest-svc's API path (the one bench_freshness.py drives): an earlier commit's
code against a later one's (or the working tree's), in one run, beside a plain Flask handler.

Run: .venv/bin/python bench/bench_answer_cpu.py [--before REV] [--after REV] [--rounds 3]
       [--rate 300] [--seconds 10] [--threads 16]
Each side's chassis, contracts and ingest-svc are unpacked (git archive) into a temporary folder
and imported ahead of the editable installs (--after omitted: the working tree itself). Each
round starts, in alternating order, `ingest-svc serve` of each side (granian, 2 workers x 16
threads, SQLite, the key vault, the spool, the broker at KAFKA_BOOTSTRAP_SERVERS, as
bench_freshness.py starts it) and a plain Flask handler under the same granian settings (parse the
JSON, answer 202), and sends each the freshness bench's answers (half with a comment, sealed) at a
steady rate below saturation from bench_freshness's load process. CPU per answer is the server's
processes' user + system time from /proc (granian, librdkafka threads included) over the answers
thanked. Reported: each side's median, each as a multiple of the plain handler measured in the
same round (which absorbs how busy the shared machine was), and after/before.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import bench_freshness as bf

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("chassis", "contracts", "ingest-svc")


def plain_app():
    from flask import Flask, jsonify, request
    app = Flask("plain")

    @app.post("/v1/responses")
    def post():
        request.get_json()
        return jsonify({"response_id": uuid.uuid4().hex, "version": 1, "delivery": "published",
                        "replayed": False}), 202

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}
    return app


def serve_plain(port: int) -> None:
    from chassis.serve import serve
    serve(plain_app, f"127.0.0.1:{port}", workers=2, threads=16)


def start_plain(port: int) -> subprocess.Popen:
    from devkit.testing import wait_for
    process = subprocess.Popen([sys.executable, __file__, "plain", "--port", str(port)],
                               env={**os.environ, "LOG_LEVEL": "WARNING"}, start_new_session=True)
    wait_for(lambda: up(port), timeout=60, interval=0.2, message="plain handler up")
    return process


def up(port: int) -> bool:
    try:
        return bf.http_get(port, "/healthz", timeout=1)[0] == 200
    except OSError:
        return False


def start_ingest(folder: str, port: int, pythonpath: str | None) -> subprocess.Popen:
    from chassis.tokens import generate_keypair
    from devkit.testing import wait_for
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    env.update({
        "KAFKA_BOOTSTRAP_SERVERS": bf.BOOTSTRAP, "LOG_LEVEL": "WARNING", "INGEST_PORT": str(port),
        "INGEST_DATABASE_URL": f"sqlite:///{folder}/ingest.db", "INGEST_SPOOL_DIR": f"{folder}/spool",
        "SURVEY_VERIFY_KEY": generate_keypair()[1], "INGEST_SECRET_KEY": uuid.uuid4().hex,
        "INGEST_API_TOKENS": f"bench:{bf.TOKEN}", "REPLY_TAG_KEY": uuid.uuid4().hex,
        "PRIVACY_MASTER_KEY": uuid.uuid4().hex * 2, "PRIVACY_VAULT_URL": f"sqlite:///{folder}/vault.db",
        "INGEST_WORKERS": "2", "INGEST_THREADS": "16"})
    process = subprocess.Popen([str(Path(sys.executable).with_name("ingest-svc")), "serve"], env=env,
                               start_new_session=True)
    wait_for(lambda: up(port), timeout=120, interval=0.2, message="ingest-svc up")
    return process


def cpu_per_answer(args, process: subprocess.Popen, port: int) -> float:
    """Warm for a second at the rate, then the server's CPU microseconds per answer thanked."""
    bf.load_process(port, "Warm", args.rate, 1.0, args.threads)
    pids = bf.tree(process.pid)
    before = bf.cpu_seconds(pids)
    load = bf.load_process(port, "Cpu", args.rate, args.seconds, args.threads)
    if load["failed"] or not load["acks"]:
        raise SystemExit(f"{load['failed']} answers failed")
    return (bf.cpu_seconds(pids) - before) / len(load["acks"]) * 1e6


def measure(args, name: str, pythonpath: str | None) -> float:
    from devkit.testing import free_port
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        if name == "plain":
            process = start_plain(port)
        else:
            process = start_ingest(folder, port, pythonpath)
        try:
            return cpu_per_answer(args, process, port)
        finally:
            bf.stop([process])


def unpack(rev: str, folder: Path) -> str:
    """The commit's packages under `folder`; returns the PYTHONPATH that imports them first."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, *PACKAGES],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return os.pathsep.join(str(folder / name) for name in PACKAGES)


def load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "plain"])
    parser.add_argument("--before", default="c7efc93", help="the earlier commit (default: the last "
                        "before #16's answer-path CPU changes)")
    parser.add_argument("--after", help="the later commit (default: the working tree)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.mode == "plain":
        serve_plain(args.port)
        return
    runs = {"before": [], "after": [], "plain": []}
    loads = [load_avg()]
    with tempfile.TemporaryDirectory() as folder:
        paths = {"before": unpack(args.before, Path(folder) / "before"), "plain": None,
                 "after": unpack(args.after, Path(folder) / "after") if args.after else None}
        for n in range(args.rounds):
            order = ("before", "after", "plain") if n % 2 == 0 else ("plain", "after", "before")
            for name in order:
                runs[name].append(measure(args, name, paths[name]))
            loads.append(load_avg())
    report(args, runs, loads)


def report(args, runs: dict, loads: list[str]) -> None:
    med = {name: statistics.median(values) for name, values in runs.items()}
    rel = {name: statistics.median(v / p for v, p in zip(runs[name], runs["plain"]))
           for name in ("before", "after")}
    print(f"machine: {os.cpu_count()} cores, load average {' -> '.join(loads)} (shared)")
    print(f"{args.rounds} rounds, each server offered {args.rate} answers/s for {args.seconds:.0f} s"
          f" ({args.threads} client threads); before = {args.before}, after = {args.after or 'the working tree'}")
    print(f"plain Flask handler under the same granian: {med['plain']:.0f} us CPU/request"
          f" (rounds: {', '.join(f'{v:.0f}' for v in runs['plain'])})")
    for name in ("before", "after"):
        print(f"{name:6s}: ingest-svc {med[name]:.0f} us CPU/answer = {rel[name]:.2f}x the plain handler"
              f" (rounds: {', '.join(f'{v:.0f}' for v in runs[name])})")
    print(f"after/before: {med['after'] / med['before']:.2f} of the CPU per answer;"
          f" {rel['after'] / rel['before']:.2f} against each round's plain handler")


if __name__ == "__main__":
    main()
