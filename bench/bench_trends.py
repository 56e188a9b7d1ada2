"""/v1/trends p95 over 1,000,000 stored responses, against a raw GROUP BY on the responses table.

Fills a fresh SQLite database (or BENCH_DATABASE_URL) with BENCH_RESPONSES responses and the
rollups the consumer keeps (built with its own incremental Deltas code), then times /v1/trends
through the real app for a mix of queries (admin and partner, week and month, grouped by
directorate / service / team) and, as the baseline in the same run, the same weekly measures
computed straight from the raw responses. Prints p50/p95 and the ratio. Goal: p95 < 50 ms.
"""
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import case, func, select

N = int(os.environ.get("BENCH_RESPONSES", 1_000_000))
RUNS = int(os.environ.get("BENCH_RUNS", 60))
DIRECTORATES = ["Adult Social Care", "Children's Services", "Environment and Transport",
                "Finance and Resources", "Public Health", "Corporate Services"]
SERVICES = ["Email and Calendar", "Printing", "Remote Access", "Accounts and Passwords",
            "Hardware", "Business Applications"]
TEAMS = ["Service Desk", "Field Services", "Infrastructure", "Applications"]
THEMES = ["speed", "communication", "resolution_quality", "equipment", "remote_access"]


def fill(services) -> None:
    from analysis_svc.adapters.orm import responses
    from analysis_svc.adapters.repository import SqlRepository
    from analysis_svc.domain.periods import month_of, week_of
    from analysis_svc.service_layer.rollups import Deltas
    rng, end = random.Random(1), datetime(2026, 11, 20, tzinfo=timezone.utc)
    for chunk in range(0, N, 50_000):
        rows, deltas = [], Deltas()
        for i in range(chunk, min(N, chunk + 50_000)):
            at = end - timedelta(seconds=rng.randrange(2 * 365 * 86400))
            score, comment = rng.choice([1, 2, 3, 4, 4, 5, 5]), rng.random() < 0.5
            row = {"response_id": f"r{i:09d}", "version": 1, "invitation_id": f"i{i:09d}",
                   "directorate": rng.choice(DIRECTORATES), "service": rng.choice(SERVICES),
                   "team": rng.choice(TEAMS), "channel": "email", "score": score,
                   "redacted_comment": "Sorted quickly, thanks." if comment else None,
                   "label": "positive" if score > 3 else "negative", "compound": (score - 3) / 2.5,
                   "themes": rng.sample(THEMES, rng.randint(0, 2)) if comment else [],
                   "disagreement": False, "submitted_at": at, "week": week_of(at),
                   "month": month_of(at), "updated_at": at}
            rows.append(row)
            deltas.add_response(row)
        with services.sessions() as session, session.begin():
            session.execute(responses.insert(), rows)
            SqlRepository(session).apply(deltas)
        print(f"\rstored {chunk + len(rows):,} responses", end="", file=sys.stderr)
    print(file=sys.stderr)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def timed(calls) -> list[float]:
    for call in calls:
        call()  # warm caches, as a running server would have
    out = []
    for i in range(RUNS):
        start = time.perf_counter()
        calls[i % len(calls)]()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    from chassis.testing import FakePublisher
    from analysis_svc.adapters.orm import responses as r
    from analysis_svc.app import create_app
    from analysis_svc.bootstrap import build
    from analysis_svc.config import Settings
    from analysis_svc.domain.commands import IssueToken
    url = os.environ.get("BENCH_DATABASE_URL") or \
        f"sqlite:///{tempfile.mkdtemp(prefix='bench-trends-')}/analysis.db"
    services = build(Settings(database_url=url, admin_token="bench-admin", model_dir=""),
                     publisher=FakePublisher())
    started = time.perf_counter()
    fill(services)
    print(f"filled {N:,} responses in {time.perf_counter() - started:.0f}s ({url.split(':')[0]})")
    services.handle(IssueToken(("Public Health",), "bench", None, token="bench-partner"))
    client = create_app(services).test_client()

    def trends(token, **params):
        def call():
            response = client.get("/v1/trends", query_string=params,
                                  headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.data
        return call

    def raw_group_by():
        since = datetime(2026, 11, 20, tzinfo=timezone.utc) - timedelta(weeks=13)
        with services.sessions() as session:
            session.execute(select(
                r.c.directorate, r.c.week, func.count(),
                func.sum(case((r.c.score >= 4, 1), else_=0)), func.avg(r.c.score),
                func.avg(r.c.compound)).where(r.c.submitted_at >= since)
                .group_by(r.c.directorate, r.c.week)).all()

    baseline = timed([raw_group_by])
    ours = timed([trends("bench-admin", period="week"),
                  trends("bench-admin", period="month", group_by="directorate,service"),
                  trends("bench-admin", period="week", group_by="directorate,service,team"),
                  trends("bench-partner", period="week", group_by="directorate,team"),
                  trends("bench-partner", period="month", **{"from": "2025-01-01"})])
    print(f"baseline raw GROUP BY (13 weeks, by directorate): p50 {statistics.median(baseline):8.1f} ms"
          f"  p95 {p95(baseline):8.1f} ms")
    print(f"/v1/trends over rollups (mixed queries):           p50 {statistics.median(ours):8.1f} ms"
          f"  p95 {p95(ours):8.1f} ms")
    print(f"ratio: {p95(baseline) / p95(ours):.1f}x faster at p95; goal p95 < 50 ms: "
          f"{'MET' if p95(ours) < 50 else 'NOT MET'}")
    services.close()


if __name__ == "__main__":
    main()
