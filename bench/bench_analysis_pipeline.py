"""analysis-svc end to end: responses/s from the topic to committed database rows.

Publishes BENCH_N responses (half with comments) on feedback.responses of KAFKA_BOOTSTRAP_SERVERS
(default the dev broker), then consumes them with a fresh consumer group twice, into fresh
databases (SQLite unless BENCH_DATABASE_URL_A/B name others):
  - the pipeline: analysis-svc's ConsumerWorker + batch handler (bulk upserts, inbox, rollups,
    scored events published, offsets committed after the database commit);
  - the baseline: a naive loop, one message at a time (decode, analyse, insert the response,
    read-modify-write its rollup cells, inbox row, commit, commit the offset), over BENCH_NAIVE.
Prints both rates and the ratio, and the consumer's CPU per response (time.process_time of the
consuming process(es): less sensitive to a busy machine than the rates; the broker's and
PostgreSQL's CPU are not in it). Goals: >= 3,000 responses/s and >= 10x the naive loop.

BENCH_PROCESSES=N (default 1) runs the pipeline as N consumer processes in one group (the topic
has 6 partitions); N > 1 needs BENCH_DATABASE_URL_A to name a PostgreSQL database (SQLite has
one writer).
"""
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


def services_for(url_env: str | None, name: str, url: str | None = None, migrate_db: bool = True):
    """analysis-svc's message bus on a fresh database, its models loaded."""
    from analysis_svc.bootstrap import build
    from analysis_svc.config import Settings
    from analysis_svc.entrypoints.worker import load_analyser
    url = url or os.environ.get(url_env) or f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/{name}.db"
    bus = build(Settings(database_url=url, kafka_bootstrap_servers=BOOTSTRAP, model_dir="",
                         batch_size=int(os.environ.get("BENCH_BATCH", 1000))), migrate_db=migrate_db)
    load_analyser(bus)  # before the clock starts, as a running service has
    return bus


def consume_process(url: str, group: str, ready, stop, cpu) -> None:
    """One consumer instance in its own process; reports the CPU it spent consuming."""
    from analysis_svc.entrypoints import worker
    services = services_for(None, "pipeline", url, migrate_db=False)
    started = time.process_time()
    ready.release()
    thread = threading.Thread(target=worker.run, args=(services, threading.Event()),
                              kwargs={"group_id": group}, daemon=True)
    thread.start()
    stop.wait()
    cpu.put(time.process_time() - started)
    services.close()
    os._exit(0)  # the consumer thread holds no uncommitted work: rows are committed


def stored(services, directorate: str) -> int:
    from analysis_svc.adapters.orm import responses
    with services.sessions() as session:
        return session.execute(select(func.count()).select_from(responses).where(
            responses.c.directorate == directorate)).scalar()


def run_pipeline(directorate: str, group: str) -> float:
    from analysis_svc.entrypoints import worker
    from analysis_svc.testing import start_group_at_end
    services = services_for("BENCH_DATABASE_URL_A", "pipeline")
    if PROCESSES > 1 and services.engine.dialect.name == "sqlite":
        sys.exit("BENCH_PROCESSES > 1 needs BENCH_DATABASE_URL_A=postgresql+psycopg://...")
    start_group_at_end(BOOTSTRAP, group, worker.TOPICS)
    publish(directorate)
    if PROCESSES > 1:
        ctx = multiprocessing.get_context("spawn")
        ready, stop, cpu = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
        children = [ctx.Process(target=consume_process, args=(
            services.settings.database_url, group, ready, stop, cpu)) for _ in range(PROCESSES)]
        for child in children:
            child.start()
        for _ in children:
            ready.acquire()
        cpu_before = time.process_time()
    else:
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, args=(services, stop),
                                  kwargs={"group_id": group})
        cpu_before = time.process_time()
        thread.start()
    started = time.perf_counter()
    first = None  # when the first rows were committed: the consumer group had joined
    while (count := stored(services, directorate)) < N:
        if first is None and count:
            first = (time.perf_counter(), count)
        time.sleep(0.05)
    ended = time.perf_counter()
    elapsed = ended - started
    stop.set()
    if PROCESSES > 1:
        cpu_used = sum(cpu.get(timeout=60) for _ in children)
        for child in children:
            child.join(timeout=60)
    else:
        thread.join()
        cpu_used = time.process_time() - cpu_before
    services.close()
    steady = (N - first[1]) / (ended - first[0]) if first else N / elapsed
    print(f"pipeline after the group joined: {steady:8.0f} responses/s "
          f"({PROCESSES} consumer process{'es' if PROCESSES > 1 else ''}, "
          f"{services.engine.dialect.name}); load average {os.getloadavg()[0]:.2f}")
    print(f"consumer CPU: {cpu_used * 1e6 / N:8.0f} us per response "
          f"({N / cpu_used:,.0f} responses per CPU-second)")
    return N / elapsed


def run_naive(directorate: str, group: str) -> float:
    from analysis_svc.testing import start_group_at_end
    from analysis_svc.entrypoints import worker
    sys.path.insert(0, os.path.dirname(__file__))
    from naive_analysis_loop import handle_one
    services = services_for("BENCH_DATABASE_URL_B", "naive")
    analyser = services.analyser.loaded()
    start_group_at_end(BOOTSTRAP, group, worker.TOPICS)
    publish(directorate)
    consumer = KafkaConsumer(*worker.TOPICS, bootstrap_servers=BOOTSTRAP, group_id=group,
                             enable_auto_commit=False, auto_offset_reset="earliest")
    done, started = 0, time.perf_counter()
    while done < NAIVE:
        for messages in consumer.poll(timeout_ms=500, max_records=1).values():
            for message in messages:
                done += handle_one(services, analyser, message.value, directorate)
                consumer.commit()
    elapsed = time.perf_counter() - started
    consumer.close()
    services.close()
    return done / elapsed


def main() -> None:
    tag = uuid.uuid4().hex[:8]
    pipeline = run_pipeline(f"bench-{tag}-p", f"bench-pipeline-{tag}")
    print(f"pipeline (batched consumer): {pipeline:8.0f} responses/s over {N:,}, group join included")
    naive = run_naive(f"bench-{tag}-n", f"bench-naive-{tag}")
    print(f"naive one-at-a-time loop:    {naive:8.0f} responses/s over {NAIVE:,}")
    print(f"ratio: {pipeline / naive:.1f}x  (goals: >= 10x {'MET' if pipeline >= 10 * naive else 'NOT MET'}, "
          f">= 3,000/s {'MET' if pipeline >= 3000 else 'NOT MET'})")


if __name__ == "__main__":
    main()
