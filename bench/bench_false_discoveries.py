"""False discoveries and power of "what changed significantly": raw p, plain BH, weighted BH.

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
service. Power = the share of planted histories in which its directorate row shows a
significant fall (change test, delta < 0) or a significant downward trend (overview), or a drop
alert is raised for it (alerts): "in the month of the change" = the view / alert run of month
7 itself; "within three" = in at least one of the views / runs of months 7, 8 and 9.

Three decisions on the same tests of the same histories (same seed): raw p < q (the rule before
#15), plain Benjamini-Hochberg at q (the rule before this change) and weighted BH at q (what
production runs now, domain.fdr: weights = each test's power to find a 15-point change at
level q / m, from its answer counts alone, over the family's mean). Alerts: the same test each
way, a fall only. Goals: views with any false discovery <= 5%; power >= 80%.
    .venv/bin/python bench/bench_false_discoveries.py   (BENCH_TRIALS=400, BENCH_SEED=15)
"""
import math
import os
import time
from dataclasses import replace

import numpy as np

from suite_demo.catalogue import DIRECTORATES, SEASON, SERVICES
from suite_demo.history import quality

from analysis_svc.domain.fdr import bh_adjust, control_fdr
from analysis_svc.domain.stats import two_proportion_p
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


def overview(sums: dict[tuple, dict], month: int) -> list[tuple[str, dict]]:
    """The overview's "what changed" tests for the view whose latest month is `month`: each
    test's name and result, the production decision (weighted BH) in `significant`, plain BH's
    (the previous rule, same family) in `significant_bh`."""
    periods = [key(m) for m in range(month - TREND + 1, month + 1)]
    filters = Filters(period="month", min_cell=MIN_CELL, alpha=ALPHA, trend_periods=TREND)
    rows = [row for levels in CHANGE_LEVELS
            for row in summary_rows(sums[levels], periods, replace(filters, group_by=levels))]
    control_fdr(rows, ALPHA)
    tested = [(row, name, row[name]) for row in rows for name in ("change", "trend")
              if row.get(name)]
    for (_, _, test), adjusted in zip(tested, bh_adjust([t["p_value"] for _, _, t in tested])):
        test["significant_bh"] = adjusted <= ALPHA
    return tested


def called(test: dict, way: str) -> bool:
    """Significant by raw p < alpha, plain BH or weighted BH (production)."""
    return {"raw": test["p_value"] < ALPHA, "bh": test.get("significant_bh"),
            "weighted": test["significant"]}[way]


def falls(test: dict, name: str, way: str) -> bool:
    """The test says CSAT fell."""
    down = test["delta"] < 0 if name == "change" else test["z"] < 0
    return bool(called(test, way)) and down


class MemoryRepo:
    """What find_drops reads and writes, over simulated sums."""

    def __init__(self, sums: dict[tuple, dict]):
        self.by_directorate = sums[("directorate",)]
        self.claimed: set[str] = set()

    def directorate_sums(self, kind: str, periods: list[str]) -> dict:
        return {d: {p: s for p, s in months.items() if p in periods}
                for (d,), months in self.by_directorate.items()}

    def directorate_sums_many(self, kind_periods: list[tuple[str, str]]) -> dict:
        """kind -> directorate -> period -> sums, as the repository's one query returns them."""
        out: dict[str, dict] = {}
        for kind, period in kind_periods:
            for directorate, months in self.directorate_sums(kind, [period]).items():
                out.setdefault(kind, {}).setdefault(directorate, {}).update(months)
        return out

    def claim_alert(self, alert_id, kind, directorate, now) -> bool:
        fresh = alert_id not in self.claimed
        self.claimed.add(alert_id)
        return fresh


def alert_run(sums: dict[tuple, dict], month: int) -> dict[str, set[str]]:
    """Directorates alerted for `month`: by raw p < alpha, plain BH, and find_drops (weighted)."""
    repo = MemoryRepo(sums)
    now, before = key(month), key(month - 1)

    def counts(directorate: str, period: str) -> tuple[int, int]:
        cell = repo.by_directorate[(directorate,)][period]
        return cell["satisfied"], cell["responses"]
    # the earlier rule: two-sided p of the same two-proportion test, a fall only
    tests = [t | {"p_value": two_proportion_p(*counts(t["directorate"], now),
                                              *counts(t["directorate"], before))}
             for t in drop_tests(repo.directorate_sums("month", [now, before]), now, before,
                                 min_cell=MIN_CELL, alpha=ALPHA)]
    plain = bh_adjust([t["p_value"] for t in tests])
    falling = [t["current"] < t["earlier"] for t in tests]
    return {"raw": {t["directorate"] for t, f in zip(tests, falling) if f and t["p_value"] < ALPHA},
            "bh": {t["directorate"] for t, f, q in zip(tests, falling, plain) if f and q <= ALPHA},
            "weighted": {data["directorate"] for _, data in find_drops(
                repo, {(PLANTED, "month", now)}, min_cell=MIN_CELL, alpha=ALPHA, now=None)}}


WAYS = ("raw", "bh", "weighted")


def main() -> None:
    rng = np.random.default_rng(SEED)
    began = time.perf_counter()
    views, alerts = dict.fromkeys(WAYS, 0), dict.fromkeys(WAYS, 0)
    found_now, found_3 = dict.fromkeys(WAYS, 0), dict.fromkeys(WAYS, 0)
    alert_now, alert_3 = dict.fromkeys(WAYS, 0), dict.fromkeys(WAYS, 0)
    family, runs = [], 0
    for _ in range(TRIALS):
        null = grouped(history(rng, planted=False))
        for month in range(TREND - 1, MONTHS):
            tested = overview(null, month)
            family.append(len(tested))
            runs += 1
            rung = alert_run(null, month)
            for way in WAYS:
                views[way] += any(called(t, way) for _, _, t in tested)
                alerts[way] += bool(rung[way])
        planted = grouped(history(rng, planted=True))
        seen, rang = dict.fromkeys(WAYS, False), dict.fromkeys(WAYS, False)
        for month in range(STEP, STEP + 3):
            tested = [(name, t) for row, name, t in overview(planted, month)
                      if row.get("directorate") == PLANTED and not row.get("service")]
            rung = alert_run(planted, month)
            for way in WAYS:
                hit = any(falls(t, name, way) for name, t in tested)
                alerted = PLANTED in rung[way]
                if month == STEP:
                    found_now[way] += hit
                    alert_now[way] += alerted
                seen[way] |= hit
                rang[way] |= alerted
        for way in WAYS:
            found_3[way] += seen[way]
            alert_3[way] += rang[way]
    took = time.perf_counter() - began

    def line(label: str, counts: dict, n: int, goal: str = "") -> None:
        cells = (f"{100 * counts[way] / n:5.1f}%" for way in WAYS)
        print(f"{label:52} " + " ".join(f"{c:>12}" for c in cells) + f"  {goal}")

    print(f"{TRIALS} histories x {MONTHS} months (seed {SEED}), alpha = q = {ALPHA}, "
          f"{runs} null views; tests per overview view: median {int(np.median(family))} "
          f"(min {min(family)}, max {max(family)}); {took:.1f} s")
    print(f"{'':52} {'raw p < q':>12} {'BH (before)':>12} {'wBH (now)':>12}  goal")
    line("overview views with any false discovery", views, runs, "<= 5%")
    line("monthly alert runs with any false drop alert", alerts, runs, "<= 5%")
    line("power, overview, in the month of the change", found_now, TRIALS, ">= 80%")
    line("power, overview, within three monthly views", found_3, TRIALS, ">= 80%")
    line("power, drop alert, in the month of the change", alert_now, TRIALS)
    line("power, drop alert, within three monthly runs", alert_3, TRIALS)


if __name__ == "__main__":
    main()
