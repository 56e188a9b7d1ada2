"""Dispatch 5,000 invitations to a local SMTP server: one reused connection vs one per mail.

Run: .venv/bin/python bench/bench_survey_dispatch.py [--count 5000] [--senders 4]
     [--processes 2] [--process-senders 2]
Every run goes through the real dispatcher (SQLite outbox, Jinja2 rendering, Ed25519 tokens):
one sender; --senders sender threads in one process (SURVEY_DISPATCH_CONNECTIONS); and
--processes sender processes (SURVEY_DISPATCH_PROCESSES) with --process-senders threads
each, started before the clock runs, as the worker keeps them. Each configuration is timed
with reused connections and with a new connection per mail, on the same SMTP server.
"""
import argparse
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from chassis.testing import FakeClock
from chassis.tokens import generate_keypair
from devkit.procs import free_port
from devkit.testing import wait_for
from survey_svc import bootstrap
from survey_svc.config import Settings
from survey_svc.domain.commands import ResolveTicket, SendDueMail, SetPolicy
from survey_svc.domain.model import Ticket
from survey_svc.entrypoints.senders import SenderProcesses


def prepared(count: int, folder: str, smtp_port: int, label: str):
    settings = Settings(webhook_secret="bench", admin_token="bench", reply_tag_key="bench",
                        signing_key=generate_keypair()[0], smtp_port=smtp_port,
                        database_url=f"sqlite:///{folder}/{label}.db")
    clock = FakeClock(datetime.now(timezone.utc))
    services = bootstrap.build(settings, clock=clock)
    services.handle(SetPolicy("*", {"throttle_days": 0}, "bench"))
    for n in range(count):
        services.handle(ResolveTicket(Ticket(
            f"BENCH-{n}", 1, clock.now() - timedelta(days=1), f"user-{n}",
            f"user{n}@example.org", f"User {n}", "Bench Directorate")))
    return services, clock


def run(services, clock, processes: int, senders: int, reuse: bool, count: int, sink: int):
    """Wall seconds, the dispatcher's CPU seconds (its own or its sender processes'), sink CPU."""
    if processes > 1:
        pool = SenderProcesses(replace(services.settings, dispatch_processes=processes,
                                       dispatch_connections=senders), reuse=reuse)
        pids, send = pool.pids, lambda: pool.round(count)
    else:
        bus = bootstrap.build(services.settings, migrate_db=False, clock=clock,
                              mailers=bootstrap.smtp_mailers(services.settings, reuse, senders))
        pids = {os.getpid()}
        send = lambda: bus.handle(SendDueMail(limit=count))  # noqa: E731
    try:
        cpu, sink_cpu, started = _cpu(pids), cpu_seconds(sink), time.perf_counter()
        done = send()
        elapsed, cpu = time.perf_counter() - started, _cpu(pids) - cpu
        sink_cpu = cpu_seconds(sink) - sink_cpu
    finally:
        if processes > 1:
            pool.close()
        else:
            bus.close()
    assert done.sent == count, done
    return elapsed, cpu, sink_cpu


def _cpu(pids) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux), this one included."""
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


def _label(processes: int, senders: int) -> str:
    if processes > 1:
        return f"{processes} processes x {senders} sender(s)"
    return f"{senders} sender(s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--senders", type=int, default=4, help="sender threads, one process")
    parser.add_argument("--processes", type=int, default=2, help="sender processes (1: none)")
    parser.add_argument("--process-senders", type=int, default=2,
                        help="sender threads in each sender process")
    args = parser.parse_args()
    count, port = args.count, free_port()
    configs = [(1, 1), (1, args.senders)]
    if args.processes > 1:
        configs.append((args.processes, args.process_senders))
    configs = list(dict.fromkeys(configs))
    runs = [(p, s, reuse) for p, s in configs for reuse in (True, False)]
    sink = smtp_sink(port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            ready = [prepared(count, folder, port, f"{p}-{s}-{reuse}") for p, s, reuse in runs]
            results = {r: run(*setup, *r, count, sink.pid) for r, setup in zip(runs, ready)}
    finally:
        sink.terminate()
        sink.wait(10)
    for (processes, senders, reuse), (wall, cpu, sink_cpu) in results.items():
        label = f"{_label(processes, senders)}, {'reused' if reuse else 'new each'}:"
        print(f"{count} invitations, {label:38} {wall:6.2f} s  {count / wall:5.0f} mails/s  "
              f"(CPU per mail: dispatcher {cpu / count * 1000:.2f} ms, SMTP server "
              f"{sink_cpu / count * 1000:.2f} ms)")
    for processes, senders in configs:
        ratio = results[processes, senders, False][0] / results[processes, senders, True][0]
        print(f"{_label(processes, senders)}: ratio (reused / new connection rate) {ratio:.2f}x")
    best = min(wall for (*_, reuse), (wall, *_) in results.items() if reuse)
    print(f"5,000 in under 10 s: {'met' if count / best * 10 >= 5000 else 'missed'} "
          f"(best reused rate {count / best:.0f} mails/s); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    multiprocessing.freeze_support()
    main()
