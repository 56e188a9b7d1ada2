"""False discoveries and power of "what changed significantly", before and after FDR control.

Simulates BENCH_TRIALS independent 12-month histories of monthly answers with the demo's
cohorts (suite_demo.catalogue: 5 directorates x 7 services, each directorate's weekly tickets x
its response rate x the season, services equally likely; a cell's CSAT, the share of 4-5
scores, fixed at the demo's mid-year quality). Each month from the sixth on is one overview
view, built by the code the dashboard runs (read_model.summary_rows for the directorate and the
directorate x service levels, domain.fdr.control_fdr across both: read_model.changes without
the SQL), and one monthly alert run (service_layer.drops.find_drops over an in-memory repo).

Null: nothing changes; any significant change, trend or drop alert is a false discovery.
Planted: from month 7, Adult Social Care (about 100 answers a month) loses 15 points of CSAT
(percentage points of the share of 4-5 scores, the measure the alerts test) in every
service. Found = its directorate row shows a significant fall or downward trend (overview), or
a drop alert is raised for it (alerts): in the month of the change, and within three months.

"Before" is today's rule (each raw p < alpha), "after" the BH decision at q = alpha.
Goals: views with any false discovery <= 5% after; power >= 80%.
    .venv/bin/python bench/bench_false_discoveries.py   (BENCH_TRIALS=400, BENCH_SEED=15)
"""
import math
import os
import time
from dataclasses import replace

import numpy as np

from suite_demo.catalogue import DIRECTORATES, SEASON, SERVICES
from suite_demo.history import quality

from analysis_svc.domain.fdr import control_fdr
from analysis_svc.read_model import CHANGE_LEVELS, Filters, summary_rows
from analysis_svc.service_layer.drops import drop_tests, find_drops

TRIALS = int(os.environ.get("BENCH_TRIALS", 400))
SEED = int(os.environ.get("BENCH_SEED", 15))
ALPHA, MIN_CELL, TREND = 0.05, 5, 6
MONTHS, STEP, DROP = 12, 6, 0.15  # the planted change starts in month index STEP
PLANTED = "Adult Social Care"
WEEKS_PER_MONTH = 52 / 12


def satisfied_share(q: float) -> float:
    """P(score >= 4) under the demo's draw_score: round(1 + 4q + N(0, 1)) >= 4."""
    return 0.5 * math.erfc((2.5 - 4 * q) / math.sqrt(2))


def history(rng: np.random.Generator, planted: bool) -> dict[tuple, dict[str, dict]]:
    """Counters per (directorate, service) cell per month key."""
    cells: dict[tuple, dict[str, dict]] = {}
    start = int(rng.integers(12))  # a random calendar month to start, for the season
    for d in DIRECTORATES:
        for s in SERVICES:
            base = satisfied_share(quality(s, 0.5))
            by_month = {}
            for m in range(MONTHS):
                mean = (d.weekly_tickets * WEEKS_PER_MONTH * SEASON[(start + m) % 12]
                        * d.response_rate / len(SERVICES))
                n = int(rng.poisson(mean))
                p = base - (DROP if planted and d.name == PLANTED and m >= STEP else 0.0)
                by_month[key(m)] = counters(n, int(rng.binomial(n, min(max(p, 0.0), 1.0))))
            cells[(d.name, s.name)] = by_month
    return cells


def key(month: int) -> str:
    """Month index 0..11 as a real month key, so find_drops can step back a period."""
    return f"2001-{month + 1:02d}"


def counters(n: int, satisfied: int) -> dict:
    return {"responses": n, "invited_responses": n, "invitations": 0, "satisfied": satisfied,
            "detractors": 0, "score_sum": 0, "sentiment_sum": 0.0, "sentiment_sq_sum": 0.0,
            "commented": 0}


def by_level(cells: dict, levels: tuple[str, ...]) -> dict[tuple, dict[str, dict]]:
    """The rollup sums grouped as the feed's SQL groups them."""
    out: dict[tuple, dict[str, dict]] = {}
    for (d, s), months in cells.items():
        key = (d,) if levels == ("directorate",) else (d, s)
        for month, c in months.items():
            into = out.setdefault(key, {}).setdefault(month, dict.fromkeys(c, 0))
            for name, value in c.items():
                into[name] += value
    return out


def grouped(cells: dict) -> dict[tuple, dict]:
    """Both levels' sums, grouped once per history (the views only read them)."""
    return {levels: by_level(cells, levels) for levels in CHANGE_LEVELS}


def overview(sums: dict[tuple, dict], month: int) -> list[dict]:
    """The overview's "what changed" rows for the view whose latest month is `month`."""
    periods = [key(m) for m in range(month - TREND + 1, month + 1)]
    filters = Filters(period="month", min_cell=MIN_CELL, alpha=ALPHA, trend_periods=TREND)
    rows = [row for levels in CHANGE_LEVELS
            for row in summary_rows(sums[levels], periods, replace(filters, group_by=levels))]
    control_fdr(rows, ALPHA)
    return rows


def tests_of(rows: list[dict]):
    for row in rows:
        for name in ("change", "trend"):
            if row.get(name):
                yield row, name, row[name]


def falls(test: dict, name: str, raw: bool) -> bool:
    """The test says CSAT fell: raw p < alpha (before) or the BH decision (after)."""
    hit = test["p_value"] < ALPHA if raw else test["significant"]
    down = test["delta"] < 0 if name == "change" else test["z"] < 0
    return hit and down


class MemoryRepo:
    """What find_drops reads and writes, over simulated sums."""

    def __init__(self, sums: dict[tuple, dict]):
        self.by_directorate = sums[("directorate",)]
        self.claimed: set[str] = set()

    def directorate_sums(self, kind: str, periods: list[str]) -> dict:
        return {d: {p: s for p, s in months.items() if p in periods}
                for (d,), months in self.by_directorate.items()}

    def claim_alert(self, alert_id, kind, directorate, now) -> bool:
        fresh = alert_id not in self.claimed
        self.claimed.add(alert_id)
        return fresh


def alert_run(sums: dict[tuple, dict], month: int) -> tuple[set[str], set[str]]:
    """Directorates alerted for `month`: before (raw p < alpha) and after (find_drops, BH)."""
    repo = MemoryRepo(sums)
    now, before = key(month), key(month - 1)
    raw = {t["directorate"] for t in drop_tests(repo.directorate_sums("month", [now, before]),
                                                 now, before, min_cell=MIN_CELL, alpha=ALPHA)
           if t["p_value"] < ALPHA and t["current"] < t["earlier"]}
    bh = {data["directorate"] for _, data in find_drops(
        repo, {(PLANTED, "month", now)}, min_cell=MIN_CELL, alpha=ALPHA, now=None)}
    return raw, bh


def main() -> None:
    rng = np.random.default_rng(SEED)
    began = time.perf_counter()
    views = {"raw": 0, "bh": 0}
    alerts = {"raw": 0, "bh": 0}
    family, runs = [], 0
    found_now = {"raw": 0, "bh": 0}
    found_3 = {"raw": 0, "bh": 0}
    alert_now = {"raw": 0, "bh": 0}
    alert_3 = {"raw": 0, "bh": 0}
    for _ in range(TRIALS):
        null = grouped(history(rng, planted=False))
        for month in range(TREND - 1, MONTHS):
            tested = list(tests_of(overview(null, month)))
            family.append(len(tested))
            runs += 1
            views["raw"] += any(t["p_value"] < ALPHA for _, _, t in tested)
            views["bh"] += any(t["significant"] for _, _, t in tested)
            raw, bh = alert_run(null, month)
            alerts["raw"] += bool(raw)
            alerts["bh"] += bool(bh)
        planted = grouped(history(rng, planted=True))
        seen = {"raw": False, "bh": False}
        rang = {"raw": False, "bh": False}
        for month in range(STEP, STEP + 3):
            rows = [r for r in overview(planted, month)
                    if r.get("directorate") == PLANTED and not r.get("service")]
            raw_alerts, bh_alerts = alert_run(planted, month)
            for way in ("raw", "bh"):
                hit = any(falls(t, name, way == "raw") for _, name, t in tests_of(rows))
                rung = PLANTED in (raw_alerts if way == "raw" else bh_alerts)
                if month == STEP:
                    found_now[way] += hit
                    alert_now[way] += rung
                seen[way] |= hit
                rang[way] |= rung
        for way in ("raw", "bh"):
            found_3[way] += seen[way]
            alert_3[way] += rang[way]
    took = time.perf_counter() - began

    def line(label: str, counts: dict, n: int, goal: str = "") -> None:
        before, after = (f"{100 * counts[way] / n:5.1f}%" for way in ("raw", "bh"))
        print(f"{label:52} {before:>15} {after:>11}  {goal}")

    print(f"{TRIALS} histories x {MONTHS} months (seed {SEED}), alpha = q = {ALPHA}, "
          f"{runs} null views; tests per overview view: median {int(np.median(family))} "
          f"(min {min(family)}, max {max(family)}); {took:.1f} s")
    print(f"{'':52} {'before (raw p)':>15} {'after (BH)':>11}  goal")
    line("overview views with any false discovery", views, runs, "<= 5%")
    line("monthly alert runs with any false drop alert", alerts, runs, "<= 5%")
    line("power, overview, in the month of the change", found_now, TRIALS, ">= 80%")
    line("power, overview, within three monthly views", found_3, TRIALS, ">= 80%")
    line("power, drop alert, in the month of the change", alert_now, TRIALS)
    line("power, drop alert, within three monthly runs", alert_3, TRIALS)


if __name__ == "__main__":
    main()
