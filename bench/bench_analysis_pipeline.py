"""analysis-svc end to end: answers (responses)/s from the topic to committed database rows.

Publishes BENCH_N responses (half with comments) on feedback.responses of KAFKA_BOOTSTRAP_SERVERS
(default the dev broker) for each run, and consumes them with a fresh consumer group into a fresh
database:
  - the pipeline: analysis-svc's ConsumerWorker + batch handler (bulk upserts, inbox, rollups,
    scored events published, offsets committed after the database commit), run in consumer
    processes of one group, which join (and are assigned partitions) before anything is
    published; the rate counts from the end of publishing to the last row committed;
  - the baseline: a naive loop, one message at a time (decode, analyse, insert the response,
    read-modify-write its rollup cells, inbox row, commit, commit the offset), over BENCH_NAIVE
    (--naive 0 skips it).
BENCH_PROFILE=PATH writes a cProfile (CPU time) of each consumer process's consumer thread to
PATH.<pid> (read it with python -m pstats).
Prints each run's rate and the consumers' CPU per response (time.process_time of the consuming
processes: less sensitive to a busy machine than the rates; the broker's and PostgreSQL's CPU are
not in it), then the ratios. Goals: >= 3,000 responses/s with one process, >= 10x the naive loop,
and on PostgreSQL two processes >= 1.7x one.

  --database sqlite,postgresql   the databases to run on (default: sqlite). PostgreSQL: a fresh
                                 database per run on TEST_POSTGRES_URL's server (BENCH_POSTGRES_URL
                                 first; else the shared test server), dropped afterwards.
  --processes 1,2                consumer processes per PostgreSQL run (SQLite: 1, one writer);
                                 the topic has 6 partitions.
e.g. python bench/bench_analysis_pipeline.py --database sqlite,postgresql --processes 1,2
BENCH_DATABASE_URL_A / BENCH_DATABASE_URL_B name the pipeline's / naive loop's database instead
(one pipeline run, BENCH_PROCESSES consumer processes).
"""
import argparse
import cProfile
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

from kafka import KafkaConsumer
from sqlalchemy import func, select

N = int(os.environ.get("BENCH_N", 20_000))
NAIVE = int(os.environ.get("BENCH_NAIVE", 1_000))
PROCESSES = int(os.environ.get("BENCH_PROCESSES", 1))
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
COMMENTS = ["Fixed quickly, thank you", "Took ages and nobody called back",
            "Still not working after the reset", "Lovely engineer, sorted my laptop in minutes",
            "Password reset was easy through the portal", "VPN keeps dropping, very frustrating"]


def publish(directorate: str) -> None:
    from chassis.kafka import KafkaPublisher
    from analysis_svc.testing import response
    rng, start = random.Random(7), datetime(2026, 6, 1, tzinfo=timezone.utc)
    publisher = KafkaPublisher(BOOTSTRAP, "bench-analysis")
    for chunk in range(0, N, 5000):
        publisher.publish_many([response(
            score=rng.randint(1, 5), directorate=directorate, team=f"T{rng.randint(1, 8)}",
            comment=rng.choice(COMMENTS) if rng.random() < 0.5 else None,
            invitation_id=uuid.uuid4().hex, submitted_at=start + timedelta(hours=rng.randrange(2000)))
            for _ in range(min(5000, N - chunk))])
    publisher.close()


def services_for(url: str | None, name: str, migrate_db: bool = True):
    """analysis-svc's message bus on a fresh database, its models loaded."""
    from analysis_svc.bootstrap import build
    from analysis_svc.config import Settings
    from analysis_svc.entrypoints.worker import load_analyser
    url = url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/{name}.db"
    bus = build(Settings(database_url=url, kafka_bootstrap_servers=BOOTSTRAP, model_dir="",
                         batch_size=int(os.environ.get("BENCH_BATCH", 1000))), migrate_db=migrate_db)
    load_analyser(bus)  # before the clock starts, as a running service has
    return bus


def consume_process(url: str, group: str, ready, stop, cpu) -> None:
    """One consumer instance in its own process; reports the CPU it spent consuming."""
    from analysis_svc.entrypoints import worker
    services = services_for(url, "pipeline", migrate_db=False)
    started, halt = time.process_time(), threading.Event()
    ready.release()
    profile_to = os.environ.get("BENCH_PROFILE")  # a cProfile of the consumer thread, per process
    profiler = cProfile.Profile(time.process_time) if profile_to else None
    run = (lambda: profiler.runcall(worker.run, services, halt, group_id=group)) if profiler else (
        lambda: worker.run(services, halt, group_id=group))
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    stop.wait()
    cpu.put(time.process_time() - started)
    if profiler:
        halt.set()
        thread.join(timeout=30)
        profiler.dump_stats(f"{profile_to}.{os.getpid()}")
    services.close()
    os._exit(0)  # the consumer thread holds no uncommitted work: rows are committed


def stored(services, directorate: str) -> int:
    from analysis_svc.adapters.orm import responses
    with services.sessions() as session:
        return session.execute(select(func.count()).select_from(responses).where(
            responses.c.directorate == directorate)).scalar()


def wait_until_assigned(group: str, members: int, timeout: float = 120.0) -> None:
    """Until the group is stable with `members` members, each holding partitions."""
    from confluent_kafka import ConsumerGroupState
    from confluent_kafka.admin import AdminClient
    admin, deadline = AdminClient({"bootstrap.servers": BOOTSTRAP}), time.monotonic() + timeout
    while time.monotonic() < deadline:
        group_info = admin.describe_consumer_groups([group])[group].result(timeout=30)
        assigned = [m for m in group_info.members
                    if m.assignment and m.assignment.topic_partitions]
        if group_info.state == ConsumerGroupState.STABLE and len(assigned) == members:
            return
        time.sleep(0.2)
    sys.exit(f"consumer group {group} did not settle with {members} members in {timeout:.0f} s")


def run_pipeline(url: str | None, processes: int, label: str) -> dict:
    """One run: `processes` consumers join, then BENCH_N responses are published and counted."""
    from analysis_svc.entrypoints import worker
    from analysis_svc.testing import start_group_at_end
    tag = uuid.uuid4().hex[:8]
    directorate, group = f"bench-{tag}-p", f"bench-pipeline-{tag}"
    services = services_for(url, "pipeline")  # migrates; the children only connect
    if processes > 1 and services.engine.dialect.name == "sqlite":
        sys.exit("more than one consumer process needs PostgreSQL (SQLite has one writer)")
    start_group_at_end(BOOTSTRAP, group, worker.TOPICS)
    ctx = multiprocessing.get_context("spawn")
    ready, stop, cpu = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    children = [ctx.Process(target=consume_process, args=(
        services.settings.database_url, group, ready, stop, cpu)) for _ in range(processes)]
    for child in children:
        child.start()
    for _ in children:
        ready.acquire()
    wait_until_assigned(group, processes)
    started = time.perf_counter()
    publish(directorate)  # the consumers start on it at once
    first = None  # the first count after publishing: the rate is the consumers' alone from here
    while (count := stored(services, directorate)) < N:
        if first is None and count:
            first = (time.perf_counter(), count)
        time.sleep(0.05)
    ended = time.perf_counter()
    stop.set()
    cpu_used = sum(cpu.get(timeout=60) for _ in children)
    for child in children:
        child.join(timeout=60)
    dialect = services.engine.dialect.name
    services.close()
    steady = (N - first[1]) / (ended - first[0]) if first and ended > first[0] else N / (ended - started)
    load = os.getloadavg()[0]
    print(f"{label:<22} {steady:8.0f} responses/s  ({processes} consumer process"
          f"{'es' if processes > 1 else ''}, {dialect}; {N / (ended - started):,.0f}/s from the "
          f"first publish); consumer CPU {cpu_used * 1e6 / N:5.0f} us/response; load {load:.2f}",
          flush=True)
    return {"rate": steady, "cpu_us": cpu_used * 1e6 / N, "dialect": dialect}


def run_naive(url: str | None, count: int) -> float:
    from analysis_svc.testing import start_group_at_end
    from analysis_svc.entrypoints import worker
    sys.path.insert(0, os.path.dirname(__file__))
    from naive_analysis_loop import handle_one
    tag = uuid.uuid4().hex[:8]
    directorate, group = f"bench-{tag}-n", f"bench-naive-{tag}"
    services = services_for(url, "naive")
    analyser = services.analyser.loaded()
    start_group_at_end(BOOTSTRAP, group, worker.TOPICS)
    publish(directorate)
    consumer = KafkaConsumer(*worker.TOPICS, bootstrap_servers=BOOTSTRAP, group_id=group,
                             enable_auto_commit=False, auto_offset_reset="earliest")
    done, started = 0, time.perf_counter()
    while done < count:
        for messages in consumer.poll(timeout_ms=500, max_records=1).values():
            for message in messages:
                done += handle_one(services, analyser, message.value, directorate)
                consumer.commit()
    elapsed = time.perf_counter() - started
    consumer.close()
    services.close()
    return done / elapsed


class FreshPostgres:
    """Fresh databases on the test PostgreSQL server, dropped on exit."""

    def __init__(self):
        from sqlalchemy.engine import make_url
        given = (os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
                 or "postgresql+psycopg://postgres@127.0.0.1:55433/postgres")
        self.url, self.names = make_url(given), []

    def _admin(self):
        import psycopg
        return psycopg.connect(self.url.set(drivername="postgresql").render_as_string(
            hide_password=False), autocommit=True)

    def create(self) -> str:
        from psycopg import sql
        name = f"bench_pipeline_{uuid.uuid4().hex[:10]}"
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.names.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        from psycopg import sql
        with self._admin() as conn:
            for name in self.names:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)))


def _csv(kind):
    return lambda text: [kind(part) for part in text.split(",") if part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", type=_csv(str), default=None,
                        help="sqlite,postgresql (default: sqlite)")
    parser.add_argument("--processes", type=_csv(int), default=None,
                        help="consumer processes per PostgreSQL run, e.g. 1,2 (default: 1)")
    parser.add_argument("--naive", type=int, default=NAIVE,
                        help="responses for the naive baseline on SQLite (0: skip it)")
    args = parser.parse_args()
    print(f"{N:,} responses per run, batches of {os.environ.get('BENCH_BATCH', 1000)}, broker "
          f"{BOOTSTRAP}; load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    runs: dict[tuple[str, int], dict] = {}
    if args.database is None and os.environ.get("BENCH_DATABASE_URL_A"):  # the one named database
        url = os.environ["BENCH_DATABASE_URL_A"]
        runs[("named", PROCESSES)] = run_pipeline(url, PROCESSES, f"pipeline x{PROCESSES}")
    else:
        fresh = FreshPostgres()
        try:
            for database in args.database or ["sqlite"]:
                if database not in ("sqlite", "postgresql"):
                    sys.exit(f"--database: sqlite or postgresql, not {database!r}")
                for processes in ([1] if database == "sqlite" else args.processes or [PROCESSES]):
                    url = fresh.create() if database == "postgresql" else None
                    runs[(database, processes)] = run_pipeline(
                        url, processes, f"pipeline {database} x{processes}")
        finally:
            fresh.drop_all()
    _ratios(runs)
    if args.naive:
        naive = run_naive(os.environ.get("BENCH_DATABASE_URL_B"), args.naive)
        best = max(run["rate"] for (_, p), run in runs.items() if p == 1) if any(
            p == 1 for _, p in runs) else max(run["rate"] for run in runs.values())
        print(f"naive one-at-a-time loop: {naive:8.0f} responses/s over {args.naive:,}; "
              f"best single-process pipeline {best / naive:.1f}x it "
              f"(goal >= 10x: {'MET' if best >= 10 * naive else 'NOT MET'})")


def _ratios(runs: dict) -> None:
    lite, pg1, pg2 = runs.get(("sqlite", 1)), runs.get(("postgresql", 1)), runs.get(("postgresql", 2))
    for (database, processes), run in runs.items():
        if processes == 1:
            print(f"goal >= 3,000/s with one process on {database}: "
                  f"{'MET' if run['rate'] >= 3000 else 'NOT MET'} ({run['rate']:,.0f}/s)")
    if lite and pg1:
        print(f"PostgreSQL x1 / SQLite: {pg1['rate'] / lite['rate']:.2f} "
              f"(consumer CPU {pg1['cpu_us']:.0f} vs {lite['cpu_us']:.0f} us/response)")
    if pg1 and pg2:
        print(f"PostgreSQL x2 / x1: {pg2['rate'] / pg1['rate']:.2f} (goal >= 1.7: "
              f"{'MET' if pg2['rate'] >= 1.7 * pg1['rate'] else 'NOT MET'}; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
