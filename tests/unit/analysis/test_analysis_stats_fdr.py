"""(Weighted) Benjamini-Hochberg by hand, and the overview's family: no chance findings, real
ones kept."""
import random

import pytest
from sqlalchemy import insert

from chassis.testing import FakePublisher

from analysis_svc import read_model
from analysis_svc.adapters.orm import rollups
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.fdr import bh_adjust, control_fdr, power_weights, weighted_bh_adjust
from analysis_svc.domain.stats import change_reference_z, trend_reference_z, z_power
from analysis_svc.domain.periods import period_start
from analysis_svc.service_layer.drops import drop_tests

# The demo's cohorts: monthly answers per directorate (weekly tickets x 52/12 x response rate).
MONTHLY = {"Adult Social Care": 103, "Children's Services": 75, "Environment and Transport": 51,
           "Finance and Resources": 66, "Public Health": 34}
SERVICES = ("Email", "Devices", "VPN", "Accounts", "Printing", "Case system", "Portal")
MONTHS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11")


def test_bh_matches_a_hand_computation():
    # sorted: 0.005, 0.01, 0.03, 0.04 (m = 4); p * m / rank = 0.02, 0.02, 0.04, 0.04
    assert bh_adjust([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # sorted 0.001, 0.02, 0.03, 0.5, 0.9: 0.005, 0.05, 0.05, 0.625, 0.9; the step-up minimum
    # carries 0.05 (from rank 3) down to rank 2
    assert bh_adjust([0.9, 0.03, 0.001, 0.5, 0.02]) == pytest.approx(
        [0.9, 0.05, 0.005, 0.625, 0.05])


def test_bh_gives_ties_one_value_and_stays_monotone_and_at_most_one():
    assert bh_adjust([0.02, 0.02, 0.5]) == pytest.approx([0.03, 0.03, 0.5])
    rng = random.Random(7)
    p = [rng.random() ** 3 for _ in range(60)]
    q = bh_adjust(p)
    ordered = [q[i] for i in sorted(range(len(p)), key=p.__getitem__)]
    assert ordered == sorted(ordered)  # a smaller p never gets a larger q
    assert all(pi <= qi <= 1.0 for pi, qi in zip(p, q))
    # rank 1 alone would be 0.7 * 3 = 2.1: clipped by the larger p-values' adjustment
    assert bh_adjust([0.7, 0.8, 0.95]) == pytest.approx([0.95, 0.95, 0.95])
    assert bh_adjust([1.0, 1.0]) == [1.0, 1.0] and bh_adjust([]) == []


def test_control_fdr_keeps_raw_p_and_replaces_the_decision():
    # equal reference z: equal weights (1 each), so weighted BH is plain BH here
    rows = [{"change": {"p_value": 0.01, "delta": -0.1, "significant": True, "reference_z": 2.0},
             "trend": {"p_value": 0.04, "z": 2.05, "direction": "up", "significant": True,
                       "reference_z": 2.0}},
            {"change": None, "trend": {"p_value": 0.8, "z": -0.2, "direction": "flat",
                                       "significant": False, "reference_z": 2.0}}]
    assert control_fdr(rows, 0.05) == 3
    change, trend = rows[0]["change"], rows[0]["trend"]
    assert (change["p_value"], change["p_adjusted"], change["significant"]) == (0.01, 0.03, True)
    assert (trend["p_value"], trend["p_adjusted"], trend["significant"]) == (0.04, 0.06, False)
    assert trend["direction"] == "flat" and change["family_size"] == 3 and change["weight"] == 1
    # a larger family (two feeds on one page) re-adjusts from the raw p-values
    more = [{"change": {"p_value": 0.5, "delta": 0.0, "reference_z": 2.0}} for _ in range(3)]
    assert control_fdr(rows + more, 0.05) == 6 and rows[0]["change"]["p_adjusted"] == 0.06
    assert not rows[0]["change"]["significant"]


def test_weighted_bh_matches_a_hand_computation():
    # p / w = 0.005, 0.08, 0.06; sorted 0.005, 0.06, 0.08 (m = 3): * m / rank = 0.015, 0.09,
    # 0.08; the step-up minimum carries 0.08 down to rank 2
    assert weighted_bh_adjust([0.01, 0.04, 0.03], [2.0, 0.5, 0.5]) == pytest.approx(
        [0.015, 0.08, 0.08])
    # plain BH gives 0.03, 0.04, 0.04: only the weighted one finds the first at q = 0.02
    assert bh_adjust([0.01, 0.04, 0.03])[0] == pytest.approx(0.03)


def test_weighted_bh_with_equal_weights_is_bh_and_a_zero_weight_never_rejects():
    rng = random.Random(11)
    p = [rng.random() ** 2 for _ in range(40)]
    assert weighted_bh_adjust(p, [1.0] * 40) == pytest.approx(bh_adjust(p))
    # the zero-weight test is out of reach however small its p; the other: 0.5 / 2 * 2 / 1
    assert weighted_bh_adjust([1e-9, 0.5], [0.0, 2.0]) == pytest.approx([1.0, 0.5])


def test_weighted_bh_is_monotone_in_p_over_w_and_at_most_one():
    rng = random.Random(5)
    p = [rng.random() ** 3 for _ in range(50)]
    w = power_weights([rng.uniform(0.0, 5.0) for _ in range(50)], 0.05)
    q = weighted_bh_adjust(p, w)
    ordered = [q[i] for i in sorted(range(50), key=lambda i: p[i] / w[i] if w[i] else 9e9)]
    assert ordered == sorted(ordered)  # a smaller p / w never gets a larger adjusted p
    assert all(0.0 <= qi <= 1.0 for qi in q)
    assert all(qi >= min(1.0, pi / wi) for pi, wi, qi in zip(p, w, q) if wi)


def test_power_weights_are_non_negative_mean_one_and_rise_with_the_reference_z():
    zs = [0.3, 0.9, 2.1, 2.6, 4.0, 0.0]
    w = power_weights(zs, 0.05)
    assert sum(w) / len(w) == pytest.approx(1.0) and min(w) >= 0.0
    assert [w[i] for i in sorted(range(len(zs)), key=zs.__getitem__)] == sorted(w)
    # power at q / m = 0.05 / 6 of each test, over their mean: the 4.0 test's 0.91 of power
    powers = [z_power(z, 0.05 / 6) for z in zs]
    assert w == pytest.approx([p / (sum(powers) / 6) for p in powers])
    assert power_weights([0.0, 0.0], 0.05) == [1.0, 1.0] and power_weights([], 0.05) == []


def test_reference_z_and_power_by_hand():
    # 15 points between two cells of 100 at p = 0.5: 0.15 / (0.5 * sqrt(2 / 100)) = 2.1213
    assert change_reference_z(100, 100, 0.15) == pytest.approx(2.1213, abs=1e-4)
    assert change_reference_z(0, 100, 0.15) == 0.0
    # three periods of 100: slope 0.075 a period, sum n (t - 1)^2 = 200: 0.075 * sqrt(200) / 0.5
    assert trend_reference_z([100, 100, 100], 0.15) == pytest.approx(2.1213, abs=1e-4)
    assert trend_reference_z([100, 100], 0.15) == 0.0
    # no effect: the power is the level; an expected z at the critical value: about a half
    assert z_power(0.0, 0.05) == pytest.approx(0.05)
    assert z_power(1.959964, 0.05) == pytest.approx(0.5, abs=1e-3)


def test_control_fdr_gives_the_budget_to_tests_that_could_find_a_change():
    # A large directorate (p = 0.012) among nine tests over a handful of answers each:
    # plain BH needs p <= 0.05 / 10 for a lone finding, so misses it; weighted, its weight
    # is far above 1 and the small cells' far below
    big = {"p_value": 0.012, "delta": -0.15, "reference_z": change_reference_z(300, 300, 0.15)}
    small = [{"change": {"p_value": 0.3 + i / 20, "delta": 0.0,
                         "reference_z": change_reference_z(8, 8, 0.15)}} for i in range(9)]
    rows = [{"change": big}] + small
    assert bh_adjust([0.012] + [t["change"]["p_value"] for t in small])[0] > 0.05
    control_fdr(rows, 0.05)
    assert big["weight"] > 5 and big["significant"] and big["p_value"] == 0.012
    assert all(r["change"]["weight"] < 1 and not r["change"]["significant"] for r in small)
    assert sum(r["change"]["weight"] for r in rows) / 10 == pytest.approx(1.0, abs=1e-3)



def _history(seed: int, drop: dict[str, float]) -> list[dict]:
    """Six months of every directorate x service cell at a steady CSAT, but for `drop`."""
    rng = random.Random(seed)
    rows = []
    for directorate, monthly in MONTHLY.items():
        for i, service in enumerate(SERVICES):
            share = 0.55 + 0.04 * i
            for month in MONTHS:
                n = max(0, round(rng.gauss(monthly / 7, (monthly / 7) ** 0.5)))
                p = share - (drop.get(directorate, 0.0) if month == MONTHS[-1] else 0.0)
                satisfied = sum(rng.random() < p for _ in range(n))
                rows.append({"directorate": directorate, "service": service, "team": "",
                             "period_kind": "month", "period": month,
                             "period_start": period_start("month", month), "responses": n,
                             "invited_responses": n, "satisfied": satisfied})
    return rows


def _changes(tmp_path, rows):
    bus = build(Settings(database_url=f"sqlite:///{tmp_path / 'fdr.db'}"),
                publisher=FakePublisher())
    try:
        with bus.sessions() as db:
            db.execute(insert(rollups), rows)
            db.commit()
            return read_model.changes(db, None, read_model.Filters(period="month"))
    finally:
        bus.close()


def _tests(rows):
    return [row[name] for row in rows for name in ("change", "trend") if row.get(name)]


def test_a_null_history_yields_no_significant_change(tmp_path):
    rows, family = _changes(tmp_path, _history(seed=3, drop={}))
    tests = _tests(rows)
    assert family == len(tests) > 60
    assert any(t["p_value"] < 0.05 for t in tests)  # raw p < 0.05 alone would report these
    assert not any(t["significant"] for t in tests)
    assert {t["family_size"] for t in tests} == {family}


def test_one_large_planted_change_is_still_found(tmp_path):
    rows, _ = _changes(tmp_path, _history(seed=3, drop={"Adult Social Care": 0.3}))
    [asc] = [r for r in rows if r["directorate"] == "Adult Social Care" and not r.get("service")]
    assert asc["change"]["significant"] and asc["change"]["delta"] < -0.2
    others = [t for r in rows if r["directorate"] != "Adult Social Care" for t in _tests([r])]
    assert not any(t["significant"] for t in others)


def _cell(n: int, satisfied: int) -> dict:
    return {"responses": n, "satisfied": satisfied}


def test_an_alert_run_holds_its_directorates_to_one_family():
    # Four steady directorates and one 70% -> 55% of 100 (raw p = 0.03): alerted before, not now.
    steady = {f"D{i}": {"2026-10": _cell(100, 70), "2026-11": _cell(100, 69)} for i in range(4)}
    sums = steady | {"Adults": {"2026-10": _cell(100, 70), "2026-11": _cell(100, 55)}}
    tests = {t["directorate"]: t for t in drop_tests(sums, "2026-11", "2026-10", min_cell=5,
                                                    alpha=0.05)}
    adults = tests["Adults"]
    assert adults["p_value"] < 0.05 and adults["family_size"] == 5 and not adults["drop"]
    sums["Adults"]["2026-11"] = _cell(100, 40)  # a fall of 30 points is still raised
    assert [t["directorate"] for t in drop_tests(sums, "2026-11", "2026-10", min_cell=5,
                                                 alpha=0.05) if t["drop"]] == ["Adults"]
