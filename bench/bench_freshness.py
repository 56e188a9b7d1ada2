"""Freshness: the time from an answer's "thank you" (ingest-svc's 202, the broker's ack behind it)
to the answer counted on analysis-svc's /v1/totals, at a steady offered rate.

Run: .venv/bin/python bench/bench_freshness.py [--rate 500] [--seconds 30] [--threads 16]
Uses the broker at KAFKA_BOOTSTRAP_SERVERS (default the dev broker 127.0.0.1:9092) and starts,
on SQLite in a temporary folder: `ingest-svc serve` (granian, as bench_ingest.py does) and
`analysis-svc serve` (granian, with its stream consumer as a child process) in a fresh consumer
group that starts at the topics' ends. All answers go to a directorate of this run alone; half
carry a comment (sealed by ingest-svc with the shared key vault, analysed by analysis-svc).

The load is a separate process (`bench_freshness.py load ...`): THREADS threads on keep-alive
connections take answer n at its scheduled time start + n/RATE (open loop: a slow answer does
not delay the schedule) and record when each 202 arrived. Meanwhile this process polls
/v1/totals for the directorate every POLL_MS (100); answer k (in thank-you order) counts as counted at
the first poll that shows at least k answers: the horizontal distance between the curve of
thank-yous and the curve of counted answers, which does not need to know which answer a
consumer batch took. Freshness is quantised by the poll interval (printed).

A warm-up second at the rate (another directorate, waited for until counted) comes first.
CPU per answer (from /proc) of ingest-svc's processes and of analysis-svc's consumer is printed
too: on a shared machine it says more than the rates about what 500/s needs.
Baseline, measured first in the same run: one answer alone, posted when nothing else is in
flight and polled every 10 ms (median of 10): the pipeline's floor with no load. The report
gives p50/p95/p99 under load and p95 as a multiple of the lone answer's. Goal: p95 < 2 s.
"""
import argparse
import http.client
import itertools
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
from pathlib import Path

TOKEN, ADMIN = "bench-token", "bench-admin"
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
COMMENTS = ["Fixed quickly, thank you", "Took ages and nobody called back",
            "Lovely engineer, sorted my laptop in minutes", "VPN keeps dropping, very frustrating"]


def load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return [pid] + [p for child in children for p in tree(child)]


def cpu_seconds(pids: list[int]) -> float:
    """user + system seconds of the processes (the steadier figure on a shared machine)."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def consumer_pids(analysis: subprocess.Popen) -> list[int]:
    return [p for p in tree(analysis.pid)
            if b"consume" in Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")]


def answer(directorate: str, n: int) -> bytes:
    body = {"score": n % 5 + 1, "directorate": directorate, "team": f"T{n % 4}",
            "ticket_id": f"F-{n}"}
    if n % 2:
        body["comment"] = COMMENTS[n % len(COMMENTS)]
    return json.dumps(body).encode()


def post(conn: http.client.HTTPConnection, body: bytes) -> int:
    conn.request("POST", "/v1/responses", body, {"Authorization": f"Bearer {TOKEN}",
                                                  "Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status


# --- the load process -------------------------------------------------------------------------

def run_load(port: int, directorate: str, rate: int, seconds: float, threads: int) -> dict:
    """Open loop: answer n is sent at start + n/rate by whichever thread is free."""
    total, numbers, lock = int(rate * seconds), itertools.count(), threading.Lock()
    acks, lateness, failed = [], [], []
    start = time.time() + 0.2

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                n = next(numbers)
            if n >= total:
                return
            scheduled = start + n / rate
            time.sleep(max(0.0, scheduled - time.time()))
            lateness.append(time.time() - scheduled)
            try:
                status = post(conn, answer(directorate, n))
            except (OSError, http.client.HTTPException):
                conn.close()
                conn, status = http.client.HTTPConnection("127.0.0.1", port, timeout=30), 0
            (acks if status == 202 else failed).append(time.time())
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"start": start, "acks": acks, "failed": len(failed), "offered": rate,
            "late_p99_ms": statistics.quantiles(lateness, n=100)[98] * 1000}


# --- the services -------------------------------------------------------------------------------

def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {ADMIN}"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def counted(port: int, directorate: str) -> int:
    status, body = http_get(port, f"/v1/totals?directorate={directorate}&period=month")
    rows = json.loads(body) if status == 200 else []
    return sum(row["responses"] or 0 for row in rows)


def start(command: str, env: dict, port: int) -> subprocess.Popen:
    from devkit.testing import wait_for
    process = subprocess.Popen([str(Path(sys.executable).with_name(command)), "serve"],
                               env=env, start_new_session=True)

    def up():
        try:
            return http_get(port, "/healthz", timeout=1)[0] == 200
        except OSError:
            return False
    wait_for(up, timeout=120, interval=0.2, message=f"{command} up")
    return process


def start_services(folder: str, group: str) -> tuple[list[subprocess.Popen], int, int]:
    from chassis.tokens import generate_keypair
    from devkit.testing import free_port
    ingest_port, analysis_port = free_port(), free_port()
    shared = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": BOOTSTRAP, "LOG_LEVEL": "WARNING",
              "PRIVACY_MASTER_KEY": uuid.uuid4().hex * 2,
              "PRIVACY_VAULT_URL": f"sqlite:///{folder}/vault.db"}
    ingest = start("ingest-svc", {
        **shared, "INGEST_PORT": str(ingest_port), "INGEST_DATABASE_URL": f"sqlite:///{folder}/ingest.db",
        "INGEST_SPOOL_DIR": f"{folder}/spool", "SURVEY_VERIFY_KEY": generate_keypair()[1],
        "INGEST_SECRET_KEY": uuid.uuid4().hex, "INGEST_API_TOKENS": f"bench:{TOKEN}",
        "REPLY_TAG_KEY": uuid.uuid4().hex, "INGEST_WORKERS": "2", "INGEST_THREADS": "16"},
        ingest_port)
    analysis = start("analysis-svc", {
        **shared, "ANALYSIS_PORT": str(analysis_port), "ANALYSIS_GROUP_ID": group,
        "ANALYSIS_DATABASE_URL": f"sqlite:///{folder}/analysis.db", "ADMIN_TOKEN": ADMIN,
        "ANALYSIS_MODEL_DIR": "", "MIN_CELL_SIZE": "1", "ANALYSIS_FEED_RATE_LIMIT": "100000 per minute"},
        analysis_port)
    return [ingest, analysis], ingest_port, analysis_port


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)


# --- the measurements ---------------------------------------------------------------------------

def alone(ingest_port: int, analysis_port: int, directorate: str, count: int) -> list[float]:
    """Seconds from thank-you to counted for answers posted one at a time (first: warm-up)."""
    times = []
    for n in range(count + 1):  # a new connection each: the server closes an idle one
        conn = http.client.HTTPConnection("127.0.0.1", ingest_port, timeout=30)
        assert post(conn, answer(directorate, n)) == 202
        conn.close()
        thanked, deadline = time.time(), time.time() + (180 if n == 0 else 30)
        while counted(analysis_port, directorate) < n + 1:
            if time.time() > deadline:
                raise TimeoutError(f"answer {n} alone was not counted")
            time.sleep(0.01)
        times.append(time.time() - thanked)
    return times[1:]  # the first waited for the models to load and the group to form


def warm_up(args, ingest_port: int, analysis_port: int, directorate: str) -> None:
    """One second at the rate (every ingest worker and thread, the consumer's batches), counted."""
    from devkit.testing import wait_for
    sent = load_process(ingest_port, directorate, args.rate, 1.0, args.threads)
    wait_for(lambda: counted(analysis_port, directorate) >= len(sent["acks"]), timeout=120,
             interval=0.2, message="warm-up counted")


def load_process(port: int, directorate: str, rate: int, seconds: float, threads: int) -> dict:
    return json.loads(subprocess.run(
        [sys.executable, __file__, "load", "--port", str(port), "--directorate", directorate,
         "--rate", str(rate), "--seconds", str(seconds), "--threads", str(threads)],
        check=True, capture_output=True, text=True).stdout)


def under_load(args, processes, ingest_port: int, analysis_port: int, directorate: str) -> dict:
    polls, costs, done = [], [], threading.Event()
    ingest, consumer = tree(processes[0].pid), consumer_pids(processes[1])
    web = [p for p in tree(processes[1].pid) if p not in consumer]
    cpu = cpu_seconds(ingest), cpu_seconds(consumer), cpu_seconds(web)

    def poll():
        while not done.is_set():
            asked = time.time()
            polls.append((asked, counted(analysis_port, directorate)))
            costs.append(time.time() - asked)
            time.sleep(max(0.0, asked + args.poll_ms / 1000 - time.time()))
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    load = load_process(ingest_port, directorate, args.rate, args.seconds, args.threads)
    accepted, deadline = len(load["acks"]), time.time() + 120
    while (not polls or polls[-1][1] < accepted) and time.time() < deadline:
        time.sleep(0.1)
    done.set()
    poller.join()
    return {"load": load, "polls": polls, "poll_ms": statistics.median(costs) * 1000,
            "ingest_cpu_us": (cpu_seconds(ingest) - cpu[0]) / max(accepted, 1) * 1e6,
            "consumer_cpu_us": (cpu_seconds(consumer) - cpu[1]) / max(accepted, 1) * 1e6,
            "web_cpu_ms": (cpu_seconds(web) - cpu[2]) / max(len(polls), 1) * 1e3}


def freshness(acks: list[float], polls: list[tuple[float, int]]) -> list[float]:
    """Answer k (thank-you order) is counted at the first poll showing >= k answers."""
    fresh, at = [], 0
    for k, thanked in enumerate(sorted(acks), start=1):
        while at < len(polls) and polls[at][1] < k:
            at += 1
        if at == len(polls):
            break  # never counted within the wait: reported as missing
        fresh.append(polls[at][0] - thanked)
    return fresh


def report(args, lone: list[float], result: dict, loads: list[str]) -> None:
    load, polls = result["load"], result["polls"]
    acks = sorted(load["acks"])
    fresh = freshness(acks, polls)
    q = statistics.quantiles(fresh, n=100)
    base = statistics.median(lone)
    achieved = len(acks) / (acks[-1] - load["start"])
    print(f"machine: {os.cpu_count()} cores, load average {' -> '.join(loads)} (shared with other work)")
    print(f"baseline, one answer alone: median {base * 1000:.0f} ms (min {min(lone) * 1000:.0f},"
          f" max {max(lone) * 1000:.0f}; {len(lone)} answers, polled every 10 ms)")
    print(f"offered {load['offered']}/s for {args.seconds:.0f} s from {args.threads} threads:"
          f" achieved {achieved:.0f}/s, {len(acks)} thanked, {load['failed']} failed,"
          f" send lateness p99 {load['late_p99_ms']:.0f} ms")
    print(f"freshness (thank you -> counted on /v1/totals, polled every {args.poll_ms} ms):"
          f" p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms,"
          f" max {max(fresh) * 1000:.0f} ms; {len(acks) - len(fresh)} not counted within 120 s;"
          f" a /v1/totals request took {result['poll_ms']:.0f} ms (median),"
          f" {result['web_cpu_ms']:.1f} ms of analysis-svc's web CPU")
    last = next((t for t, n in polls if n >= len(acks)), polls[-1][0])
    print(f"counted {len(fresh) / (last - load['start']):.0f}/s over the run (the consumer's pace);"
          f" CPU per answer: ingest-svc {result['ingest_cpu_us']:.0f} us,"
          f" analysis-svc consumer {result['consumer_cpu_us']:.0f} us")
    print(f"ratio: p95 under load / the lone answer's median = {q[94] / base:.1f}x;"
          f" goal p95 < 2 s: {'met' if q[94] < 2 else 'missed'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="bench", choices=["bench", "load"])
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--poll-ms", type=int, default=100)
    parser.add_argument("--alone", type=int, default=10)
    parser.add_argument("--port", type=int)
    parser.add_argument("--directorate")
    args = parser.parse_args()
    if args.mode == "load":
        print(json.dumps(run_load(args.port, args.directorate, args.rate, args.seconds, args.threads)))
        return
    from analysis_svc.adapters.topics import TOPICS
    from analysis_svc.testing import start_group_at_end
    run = uuid.uuid4().hex[:8]
    group, directorate = f"bench-freshness-{run}", f"Fresh-{run}"
    start_group_at_end(BOOTSTRAP, group, TOPICS)
    with tempfile.TemporaryDirectory() as folder:
        processes, ingest_port, analysis_port = start_services(folder, group)
        try:
            loads = [load_avg()]
            lone = alone(ingest_port, analysis_port, f"{directorate}-alone", args.alone)
            warm_up(args, ingest_port, analysis_port, f"{directorate}-warm")
            loads.append(load_avg())
            result = under_load(args, processes, ingest_port, analysis_port, directorate)
            loads.append(load_avg())
        finally:
            stop(processes)
    report(args, lone, result, loads)


if __name__ == "__main__":
    main()
