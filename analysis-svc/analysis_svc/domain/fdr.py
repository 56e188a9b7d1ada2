"""False discovery rate control: which of a family of tests may be called significant.

A view that tests every directorate x service cell for a change and a trend runs dozens of
tests; at p < 0.05 each, a few pass by chance in every view. Benjamini-Hochberg keeps the
expected share of chance findings among those reported at or below q, across the family.
"""
from typing import Sequence

TESTS = ("change", "trend")  # the test results a feed row carries


def bh_adjust(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the input order.

    q_(i) = min over j >= i of p_(j) * m / j (p sorted ascending), clipped at 1: the same as
    R's p.adjust(p, "BH"). A test is significant at false discovery rate q when q_i <= q.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):  # largest p first, carrying the minimum down
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = running
    return adjusted


def control_fdr(rows: Sequence[dict], q: float) -> int:
    """Adjust every change and trend test in `rows` as one family; returns its size.

    Each test keeps its raw `p_value` and gains `p_adjusted` (BH) and `family_size`;
    `significant` becomes p_adjusted <= q, and a trend's `direction` is "flat" unless
    significant. Adjusting again over a larger list (rows of two feeds shown on one page)
    replaces the earlier adjustment, since it starts from the raw p-values.
    """
    tests = [row[name] for row in rows for name in TESTS
             if isinstance(row.get(name), dict) and row[name].get("p_value") is not None]
    for test, adjusted in zip(tests, bh_adjust([t["p_value"] for t in tests])):
        test["p_adjusted"] = round(adjusted, 6)
        test["family_size"] = len(tests)
        test["significant"] = adjusted <= q
        if "direction" in test:
            z = test.get("z") or 0.0
            test["direction"] = ("up" if z > 0 else "down") if test["significant"] and z else "flat"
    return len(tests)
