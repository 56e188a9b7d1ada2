"""Dispatch 5,000 invitations to a local SMTP server: one reused connection vs one per mail.

Run: .venv/bin/python bench/bench_survey_dispatch.py [--count 5000] [--senders 4]
Every run goes through the real dispatcher (SQLite outbox, Jinja2 rendering, Ed25519 tokens),
first with one sender, then with --senders parallel senders (each its own connection); the
new-connection baseline uses the same number of senders as the reused run it is compared to.
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

from chassis.testing import FakeClock
from chassis.tokens import generate_keypair
from devkit.procs import free_port
from devkit.testing import wait_for
from survey_svc import bootstrap
from survey_svc.adapters.smtp import SmtpMailer
from survey_svc.config import Settings
from survey_svc.domain.model import Ticket
from survey_svc.service_layer import intake
from survey_svc.service_layer.dispatch import dispatch_due_parallel
from survey_svc.service_layer.policies import set_policy


def prepared(count: int, folder: str, smtp_port: int, label: str):
    settings = Settings(webhook_secret="bench", admin_token="bench",
                        signing_key=generate_keypair()[0], smtp_port=smtp_port,
                        database_url=f"sqlite:///{folder}/{label}.db")
    clock = FakeClock(datetime.now(timezone.utc))
    services = bootstrap.build(settings, clock=clock)
    set_policy(services.uow(), clock, "*", {"throttle_days": 0}, "bench")
    for n in range(count):
        intake.resolve_ticket(services.uow(), clock, Ticket(
            f"BENCH-{n}", 1, clock.now() - timedelta(days=1), f"user-{n}",
            f"user{n}@example.org", f"User {n}", "Bench Directorate"))
    return services, clock


def timed(services, clock, mailers, count: int, sink: int) -> tuple[float, float, float]:
    """Wall seconds, this process's CPU seconds (steadier on a shared machine), sink CPU."""
    started, cpu, sink_cpu = time.perf_counter(), time.process_time(), cpu_seconds(sink)
    done = dispatch_due_parallel(services.uow, clock, mailers, services.renderer, limit=count)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    for mailer in mailers:
        mailer.close()
    assert done.sent == count, done
    return elapsed, cpu, cpu_seconds(sink) - sink_cpu


def cpu_seconds(pid: int) -> float:
    """User + system CPU of another process (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def smtp_sink(port: int) -> subprocess.Popen:
    """aiosmtpd in its own process, as a real local mail server would be (no shared GIL)."""
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Sink"])
    wait_for(lambda: _up(port), 10)
    return proc


def _up(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--senders", type=int, default=4)
    args = parser.parse_args()
    count, port = args.count, free_port()
    runs = [(senders, reuse) for senders in sorted({1, args.senders}) for reuse in (True, False)]
    sink = smtp_sink(port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            ready = [prepared(count, folder, port, f"{n}-{reuse}") for n, reuse in runs]
            results = {run: timed(*setup, [SmtpMailer("127.0.0.1", port, reuse=run[1])
                                           for _ in range(run[0])], count, sink.pid)
                       for run, setup in zip(runs, ready)}
    finally:
        sink.terminate()
        sink.wait(10)
    for (senders, reuse), (wall, cpu, sink_cpu) in results.items():
        label = "reused connection" if reuse else "new connection each"
        print(f"{count} invitations, {senders} sender(s), {label + ':':21} {wall:6.2f} s  "
              f"{count / wall:5.0f} mails/s  (CPU per mail: dispatcher {cpu / count * 1000:.2f} "
              f"ms, SMTP server {sink_cpu / count * 1000:.2f} ms)")
    for senders in sorted({1, args.senders}):
        ratio = results[senders, False][0] / results[senders, True][0]
        print(f"{senders} sender(s): ratio (reused / new connection rate) {ratio:.2f}x")
    best = min(wall for (_, reuse), (wall, *_) in results.items() if reuse)
    print(f"5,000 in under 10 s: {'met' if count / best * 10 >= 5000 else 'missed'} "
          f"(best reused rate); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
