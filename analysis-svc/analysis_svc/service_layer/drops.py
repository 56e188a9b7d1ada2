"""Significant-drop alerts: a directorate's CSAT this period fell significantly from the last.

One alert run tests every directorate of each touched (week or month) period as one family, and
holds the false discovery rate across it at `alpha` (weighted Benjamini-Hochberg, domain.fdr: a
directorate's weight is its test's power to find a 15-point fall, from the answer counts): with
five directorates tested every week and month, a raw p < 0.05 would raise chance alerts all
year. Each test stays two-sided and only a fall is raised: at most q / 2 of chance alerts
(a one-sided test would spend all of q on falls and put chance alerts at the 5% edge).
"""
from datetime import datetime

from analysis_svc.domain.alerts import drop_alert_id, stable_event_id
from analysis_svc.domain.fdr import REFERENCE_CHANGE, power_weights, weighted_bh_adjust
from analysis_svc.domain.periods import previous
from analysis_svc.domain.stats import change_reference_z, two_proportion_p


def drop_tests(sums: dict[str, dict[str, dict]], period: str, before: str, *, min_cell: int,
               alpha: float) -> list[dict]:
    """Every directorate's test of `period` against `before` (both cells at least min_cell),
    with its weight and weighted-BH adjusted p-value across them all; `drop` is a significant
    fall."""
    tests = []
    for directorate, by_period in sorted(sums.items()):
        cur, old = by_period.get(period), by_period.get(before)
        if not cur or not old or cur["responses"] < min_cell or old["responses"] < min_cell:
            continue
        p = two_proportion_p(cur["satisfied"], cur["responses"], old["satisfied"], old["responses"])
        tests.append({"directorate": directorate, "p_value": p,
                      "current": cur["satisfied"] / cur["responses"],
                      "earlier": old["satisfied"] / old["responses"],
                      "reference_z": change_reference_z(cur["responses"], old["responses"],
                                                        REFERENCE_CHANGE)})
    weights = power_weights([t["reference_z"] for t in tests], alpha)
    adjusted = weighted_bh_adjust([t["p_value"] for t in tests], weights)
    for test, weight, p_adjusted in zip(tests, weights, adjusted):
        test |= {"weight": weight, "p_adjusted": p_adjusted, "family_size": len(tests),
                 "drop": p_adjusted <= alpha and test["current"] < test["earlier"]}
    return tests


def find_drops(repo, touched: set[tuple[str, str, str]], *, min_cell: int, alpha: float,
               now: datetime) -> list[tuple[str, dict]]:
    """(event_id, alert data) for each newly significant drop in the touched (kind, period)s."""
    out = []
    tested = sorted({(kind, period) for _, kind, period in touched})
    # one query for every period and the one before it (a batch touches ~15 of them)
    sums = repo.directorate_sums_many(sorted({(kind, p) for kind, period in tested
                                              for p in (period, previous(kind, period))}))
    for kind, period in tested:
        before = previous(kind, period)
        for test in drop_tests(sums.get(kind, {}), period, before, min_cell=min_cell, alpha=alpha):
            alert_id = drop_alert_id(test["directorate"], kind, period)
            if not test["drop"] or not repo.claim_alert(alert_id, "significant_drop",
                                                        test["directorate"], now):
                continue
            out.append((stable_event_id("alert", alert_id), {
                "alert_id": alert_id, "directorate": test["directorate"], "period": period,
                "previous_period": before, "previous_csat": round(test["earlier"], 4),
                "current_csat": round(test["current"], 4), "p_value": round(test["p_value"], 6),
                "raised_at": now}))
    return out
