"""analysis-svc's batch write path without Kafka: statements, rows and database time per batch.

    python bench/profile_analysis_batch.py postgresql+psycopg://postgres@127.0.0.1:55433/<db>
    python bench/profile_analysis_batch.py sqlite:////tmp/profile.db
N responses (default 10,000; half with comments, as bench_analysis_pipeline.py publishes) go
through bus.handle(ConsumeBatch) in batches of 1,000 on a fresh (migrated) database; prints the
rate, the CPU per response (the scored events encoded, not sent), and each statement's calls,
rows and cursor time per batch (COPY goes past SQLAlchemy's cursor events, so it is not in the
table), and how long a batch holds its rollup rows' locks (first rollups upsert to commit: what a
second consumer process waits for). PROF=1 adds a cProfile (CPU time).
"""
import cProfile, os, pstats, random, sys, time, uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from sqlalchemy import event
from contracts.envelope import encode
from chassis.kafka import Record
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import ConsumeBatch
from analysis_svc.entrypoints.worker import load_analyser, tune_gc
from analysis_svc.testing import response

url = sys.argv[1]
N, B = int(os.environ.get("N", 10000)), 1000
COMMENTS = ["Fixed quickly, thank you", "Took ages and nobody called back",
            "Still not working after the reset", "Lovely engineer, sorted my laptop in minutes",
            "Password reset was easy through the portal", "VPN keeps dropping, very frustrating"]
class Null:  # encodes what it is given, as KafkaPublisher does, and sends nothing
    def publish(self, e): encode(e)
    def publish_many(self, es): [encode(e) for e in es]
    def close(self): pass
bus = build(Settings(database_url=url, kafka_bootstrap_servers="127.0.0.1:1", model_dir="", batch_size=B),
            publisher=Null())
load_analyser(bus); tune_gc()
rng, start = random.Random(7), datetime(2026, 6, 1, tzinfo=timezone.utc)
d = "p" + uuid.uuid4().hex[:6]
envs = [response(score=rng.randint(1, 5), directorate=d, team=f"T{rng.randint(1, 8)}",
        comment=rng.choice(COMMENTS) if rng.random() < 0.5 else None, invitation_id=uuid.uuid4().hex,
        submitted_at=start + timedelta(hours=rng.randrange(2000))) for _ in range(N)]
records = [Record("feedback.responses", 0, i, e.key, encode(e)) for i, e in enumerate(envs)]
stats = defaultdict(lambda: [0, 0.0, 0])
held = [0.0]  # rollup rows locked: from the batch's first rollups upsert to its commit
@event.listens_for(bus.engine, "before_cursor_execute")
def _b(conn, cur, stmt, params, ctx, many):
    conn.info["t"] = time.perf_counter()
    if stmt.startswith("INSERT INTO rollups "):
        conn.info["locked"] = conn.info["t"]
@event.listens_for(bus.engine, "after_cursor_execute")
def _a(conn, cur, stmt, params, ctx, many):
    s = stats[" ".join(stmt.split())[:90]]
    s[0] += 1; s[1] += time.perf_counter() - conn.info["t"]; s[2] += len(params) if many else 1
commits = [0, 0.0]
@event.listens_for(bus.engine, "commit")
def _c(conn):
    commits[0] += 1
    if "locked" in conn.info:
        held[0] += time.perf_counter() - conn.info.pop("locked")
prof = cProfile.Profile(time.process_time) if os.environ.get("PROF") else None
t0 = time.perf_counter(); c0 = time.process_time()
if prof: prof.enable()
for i in range(0, N, B):
    bus.handle(ConsumeBatch(records[i:i + B]))
if prof: prof.disable()
el = time.perf_counter() - t0; cpu = time.process_time() - c0
print(f"{bus.engine.dialect.name}: {N/el:.0f}/s wall, {cpu*1e6/N:.0f} us CPU/resp; batches {N//B}; commits {commits[0]}")
tot = 0
for k, (n, t, rows) in sorted(stats.items(), key=lambda kv: -kv[1][1]):
    tot += t
    print(f"{n/(N//B):6.1f}/batch {t*1e3/(N//B):8.1f} ms/batch rows {rows:7d}  {k}")
print(f"DB cursor time {tot*1e3/(N//B):.1f} ms/batch of {el*1e3/(N//B):.1f} ms; rollup rows "
      f"locked {held[0]*1e3/(N//B):.1f} ms/batch (another process's upserts of them wait)")
if prof:
    pstats.Stats(prof).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", 45)))
bus.close()
