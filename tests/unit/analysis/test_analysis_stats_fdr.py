"""Benjamini-Hochberg by hand, and the overview's family: no chance findings, real ones kept."""
import random

import pytest
from sqlalchemy import insert

from chassis.testing import FakePublisher

from analysis_svc import read_model
from analysis_svc.adapters.orm import rollups
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.fdr import bh_adjust, control_fdr
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
    rows = [{"change": {"p_value": 0.01, "delta": -0.1, "significant": True},
             "trend": {"p_value": 0.04, "z": 2.05, "direction": "up", "significant": True}},
            {"change": None, "trend": {"p_value": 0.8, "z": -0.2, "direction": "flat",
                                       "significant": False}}]
    assert control_fdr(rows, 0.05) == 3
    change, trend = rows[0]["change"], rows[0]["trend"]
    assert (change["p_value"], change["p_adjusted"], change["significant"]) == (0.01, 0.03, True)
    assert (trend["p_value"], trend["p_adjusted"], trend["significant"]) == (0.04, 0.06, False)
    assert trend["direction"] == "flat" and change["family_size"] == 3
    # a larger family (two feeds on one page) re-adjusts from the raw p-values
    more = [{"change": {"p_value": 0.5, "delta": 0.0}} for _ in range(3)]
    assert control_fdr(rows + more, 0.05) == 6 and rows[0]["change"]["p_adjusted"] == 0.06
    assert not rows[0]["change"]["significant"]


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
