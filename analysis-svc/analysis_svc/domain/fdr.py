"""False discovery rate control: which of a family of tests may be called significant.

A view that tests every directorate x service cell for a change and a trend runs dozens of
tests; at p < 0.05 each, a few pass by chance in every view. Benjamini-Hochberg keeps the
expected share of chance findings among those reported at or below q, across the family.

The family is weighted (Genovese, Roeder & Wasserman 2006, "False discovery control with
p-value weighting", Biometrika 93:509): test i is judged on p_i / w_i, the weights non-negative
with mean 1, so the FDR bound q holds as for plain BH. A test's weight is its power to find a
change of REFERENCE_CHANGE at the strict level q / m (m tests; the level BH holds its first
finding to), worked out from its answer counts alone before any p-value is seen
(domain.stats.change_reference_z / trend_reference_z), divided by the family's mean power: the
tests that could find such a change get more of the budget than those over a handful of
answers, which could not.
"""
from typing import Sequence

from analysis_svc.domain.stats import z_power

TESTS = ("change", "trend")  # the test results a feed row carries
REFERENCE_CHANGE = 0.15  # CSAT share (15 points): the change the views are built to find (#15)


def bh_adjust(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the input order.

    q_(i) = min over j >= i of p_(j) * m / j (p sorted ascending), clipped at 1: the same as
    R's p.adjust(p, "BH"). A test is significant at false discovery rate q when q_i <= q.
    """
    return weighted_bh_adjust(p_values, [1.0] * len(p_values))


def weighted_bh_adjust(p_values: Sequence[float], weights: Sequence[float]) -> list[float]:
    """Weighted Benjamini-Hochberg adjusted p-values, in the input order.

    Plain BH on p_i / w_i (a weight of 0 never rejects: adjusted 1). With every weight 1 it is
    bh_adjust. The weights must be non-negative, mean 1 and chosen without the p-values.
    """
    m = len(p_values)
    ratios = [p / w if w > 0 else float("inf") for p, w in zip(p_values, weights)]
    order = sorted(range(m), key=lambda i: ratios[i])
    adjusted = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):  # largest ratio first, carrying the minimum down
        i = order[rank - 1]
        running = min(running, ratios[i] * m / rank)
        adjusted[i] = running
    return adjusted


def power_weights(reference_zs: Sequence[float], q: float) -> list[float]:
    """Weights for a family from each test's reference z (the z a REFERENCE_CHANGE would give
    it): its power at level q / m over the family's mean power, so non-negative with mean 1;
    equal weights when no test has any power."""
    m = len(reference_zs)
    powers = [z_power(z, q / m) for z in reference_zs]
    mean = sum(powers) / m if m else 0.0
    if mean <= 0:
        return [1.0] * m
    return [p / mean for p in powers]


def control_fdr(rows: Sequence[dict], q: float) -> int:
    """Adjust every change and trend test in `rows` as one weighted family; returns its size.

    Each test keeps its raw `p_value` and its `reference_z`, and gains `weight`, `p_adjusted`
    (weighted BH) and `family_size`; `significant` becomes p_adjusted <= q, and a trend's
    `direction` is "flat" unless significant. Adjusting again over a larger list (rows of two
    feeds shown on one page) replaces the earlier adjustment: it starts from the raw p-values
    and renormalises the weights over the larger family.
    """
    tests = [row[name] for row in rows for name in TESTS
             if isinstance(row.get(name), dict) and row[name].get("p_value") is not None]
    weights = power_weights([t["reference_z"] for t in tests], q)
    adjusted = weighted_bh_adjust([t["p_value"] for t in tests], weights)
    for test, weight, p_adjusted in zip(tests, weights, adjusted):
        test["weight"] = round(weight, 4)
        test["p_adjusted"] = round(p_adjusted, 6)
        test["family_size"] = len(tests)
        test["significant"] = p_adjusted <= q
        if "direction" in test:
            z = test.get("z") or 0.0
            test["direction"] = ("up" if z > 0 else "down") if test["significant"] and z else "flat"
    return len(tests)
