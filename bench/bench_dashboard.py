"""Dashboard page server time over 1,000,000 stored responses, against a raw GROUP BY baseline.

Fills a fresh SQLite database (or BENCH_DATABASE_URL) with responses and the rollups the
consumer would have kept, then times each dashboard page through the real app (admin and
partner) and, as the baseline in the same run, the month series computed straight from the
raw responses table. Prints p50/p95 per page and the ratio. Goal: every page p95 < 200 ms.
"""
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, text

N = int(os.environ.get("BENCH_RESPONSES", 1_000_000))
RUNS = int(os.environ.get("BENCH_RUNS", 40))
DIRECTORATES = ["Adult Social Care", "Children's Services", "Environment and Transport",
                "Finance and Resources", "Public Health"]
SERVICES = [("Email and Calendar", "Service Desk"), ("Printing", "Field Services"),
            ("Remote Access (VPN)", "Infrastructure"), ("Accounts and Passwords", "Service Desk")]
THEMES = ["speed", "communication", "resolution_quality", "equipment", "remote_access"]


def fill(services) -> None:
    from analysis_svc.adapters.orm import rollup_themes, rollups, responses
    from analysis_svc.domain.periods import month_of, period_start, week_of
    rng, end = random.Random(1), datetime(2026, 11, 20, tzinfo=timezone.utc)
    cells, theme_cells, batch = Counter(), Counter(), []
    with services.engine.begin() as db:
        for i in range(N):
            at = end - timedelta(seconds=rng.randrange(365 * 86400))
            d, (s, t), score = rng.choice(DIRECTORATES), rng.choice(SERVICES), rng.choice([1, 2, 3, 4, 4, 5, 5])
            comment = rng.random() < 0.5
            themes = rng.sample(THEMES, rng.randint(0, 2)) if comment else []
            compound = (score - 3) / 2.5
            week, month = week_of(at), month_of(at)
            batch.append({"response_id": f"r{i:09d}", "version": 1, "invitation_id": f"i{i:09d}",
                          "directorate": d, "service": s, "team": t, "channel": "email_link", "score": score,
                          "redacted_comment": "Sorted quickly, thanks." if comment else None,
                          "label": "positive" if score > 3 else "negative", "compound": compound,
                          "themes": themes, "disagreement": False, "submitted_at": at, "week": week,
                          "month": month, "updated_at": at})
            for kind, period in (("week", week), ("month", month)):
                key = (d, s, t, kind, period)
                cells[key + ("responses",)] += 1
                cells[key + ("satisfied",)] += score >= 4
                cells[key + ("detractors",)] += score <= 2
                cells[key + ("score_sum",)] += score
                cells[key + ("sentiment_sum",)] += compound if comment else 0
                cells[key + ("sentiment_sq_sum",)] += compound * compound if comment else 0
                cells[key + ("commented",)] += comment
                for theme in themes:
                    theme_cells[key + (theme,)] += 1
            if len(batch) == 20_000:
                db.execute(responses.insert(), batch)
                batch = []
                print(f"\rstored {i + 1:,} responses", end="", file=sys.stderr)
        if batch:
            db.execute(responses.insert(), batch)
        keys = {k[:5] for k in cells}
        db.execute(rollups.insert(), [
            {"directorate": k[0], "service": k[1], "team": k[2], "period_kind": k[3], "period": k[4],
             "period_start": period_start(k[3], k[4]), "invitations": cells[k + ("responses",)] * 3,
             "invited_responses": cells[k + ("responses",)],
             **{c: cells[k + (c,)] for c in ("responses", "satisfied", "detractors", "score_sum",
                                               "sentiment_sum", "sentiment_sq_sum", "commented")}}
             for k in keys])
        db.execute(rollup_themes.insert(), [
            {"directorate": k[0], "service": k[1], "team": k[2], "period_kind": k[3], "period": k[4],
             "period_start": period_start(k[3], k[4]), "theme": k[5], "count": v} for k, v in theme_cells.items()])
    print(file=sys.stderr)


def timed(fn) -> list[float]:
    fn()  # warm caches, as a running server would have
    out = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def main() -> None:
    from chassis.testing import FakePublisher
    from analysis_svc.adapters.orm import responses
    from analysis_svc.app import create_app
    from analysis_svc.bootstrap import build
    from analysis_svc.config import Settings
    from analysis_svc.domain.commands import IssueToken
    tmp = tempfile.mkdtemp(prefix="bench-dashboard-")
    url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/analysis.db")
    services = build(Settings(database_url=url, admin_token="bench-admin", run_worker=False),
                     publisher=FakePublisher())
    started = time.perf_counter()
    fill(services)
    print(f"filled {N:,} responses in {time.perf_counter() - started:.0f}s ({url.split(':')[0]})")
    services.handle(IssueToken(("Public Health",), "bench", None, token="bench-partner"))
    app = create_app(services)
    admin, partner = app.test_client(), app.test_client()
    for client, token in ((admin, "bench-admin"), (partner, "bench-partner")):
        client.get("/dashboard/sign-in")
        app.config["WTF_CSRF_ENABLED"] = False
        assert client.post("/dashboard/sign-in", data={"token": token}).status_code == 302

    def raw_baseline():
        with services.sessions() as db:
            db.execute(select(responses.c.month, func.count(), func.sum(text("CASE WHEN score >= 4 THEN 1 ELSE 0 END")),
                              func.avg(responses.c.score)).group_by(responses.c.month)).all()

    def page(client, path):
        def get():
            assert client.get(path).status_code == 200
        return get

    baseline = timed(raw_baseline)
    print(f"{'baseline: raw GROUP BY month over responses':58} p50 {statistics.median(baseline):7.1f} ms  p95 {p95(baseline):7.1f} ms")
    worst = 0.0
    for label, client, path in [("admin overview, all directorates, by month", admin, "/dashboard"),
                                ("admin overview, by week", admin, "/dashboard?period=week"),
                                ("partner overview (one directorate)", partner, "/dashboard"),
                                ("comments, filtered by score", admin, "/dashboard/comments?score=1"),
                                ("detractor queue", admin, "/dashboard/detractors"),
                                ("compare two directorates", admin, "/dashboard/compare"),
                                ("board report, 12 months", admin, "/reports/board")]:
        samples = timed(page(client, path))
        worst = max(worst, p95(samples))
        print(f"{label:58} p50 {statistics.median(samples):7.1f} ms  p95 {p95(samples):7.1f} ms  "
              f"({p95(samples) / p95(baseline):.2f}x baseline p95)")
    print(f"worst page p95 {worst:.1f} ms (goal < 200 ms): {'MET' if worst < 200 else 'NOT MET'}")
    services.close()


if __name__ == "__main__":
    main()
