"""NPS and CES beside CSAT: the interval against a hand computation, the rollup counters."""
import math

import pytest

from analysis_svc.domain.stats import net_promoter
from analysis_svc.service_layer.measures import measures
from analysis_svc.service_layer.rollups import contribution
from analysis_svc.service_layer.scoring import _with_answers

NPS_ANSWERS = [10, 9, 9, 8, 7, 6, 3, 10, 0, 9]  # 5 promoters, 2 passives, 3 detractors


def test_nps_and_its_interval_match_a_hand_computation():
    # NPS = 100 (5/10 - 3/10) = 20; Var = (0.5 + 0.3 - 0.2^2) / 10 = 0.076;
    # half width = 1.959964 * sqrt(0.076) = 0.540325, so 20 +- 54.03.
    score, band = net_promoter(5, 3, 10)
    assert score == pytest.approx(20.0)
    assert band.low == pytest.approx(20 - 54.0325, abs=1e-3)
    assert band.high == pytest.approx(20 + 54.0325, abs=1e-3)


def test_the_interval_is_clipped_and_zero_answers_give_none():
    score, band = net_promoter(10, 0, 10)
    assert (score, band.low, band.high) == (100.0, 100.0, 100.0)
    assert net_promoter(0, 0, 0) is None


def _sums(nps=(), ces=()):
    rows = [{"score": 4, "nps": n} for n in nps] + [{"score": 4, "ces": c} for c in ces]
    total = {}
    for row in rows:
        for name, value in contribution(row)[0].items():
            total[name] = total.get(name, 0) + value
    base = {"invited_responses": 0, "invitations": 0, "sentiment_sum": 0.0, "commented": 0,
            "detractors": 0}
    return base | total


def test_rollup_counters_give_the_published_nps_and_ces():
    out = measures(_sums(NPS_ANSWERS, [7, 6, 5, 7, 6]), min_cell=5)
    assert (out["nps_responses"], out["nps"], out["nps_low"], out["nps_high"]) == \
        (10, 20.0, -34.0, 74.0)
    # CES mean 6.2, s^2 = (195 - 31^2/5) / 4 = 0.7, t(0.975, 4) = 2.776445:
    # 6.2 +- 2.776445 * sqrt(0.7 / 5) = 6.2 +- 1.0388, the top clipped to 7.
    assert (out["ces_responses"], out["ces"], out["ces_low"], out["ces_high"]) == \
        (5, 6.2, round(6.2 - 2.776445 * math.sqrt(0.14), 2), 7.0)


def test_nps_under_the_minimum_cell_is_suppressed_while_csat_shows():
    out = measures(_sums(NPS_ANSWERS[:3], [7] * 3) | {"responses": 9, "satisfied": 9,
                                                        "score_sum": 36}, min_cell=5)
    assert out["csat"] == 1.0 and out["nps"] is None and out["ces"] is None


def test_an_amendment_without_answers_keeps_the_earlier_ones():
    old = {"question_set": "digital@2", "answers": [{"question_id": "nps", "value": 9}],
           "nps": 9, "ces": None}
    assert _with_answers({}, {"answers": []}, old)["nps"] == 9
    fresh = _with_answers({}, {"question_set": "digital@2",
                               "answers": [{"question_id": "nps", "value": 4},
                                           {"question_id": "contact", "value": "phone"}]}, old)
    assert (fresh["nps"], fresh["answers"][1]) == (4, {"question_id": "contact", "value": "phone"})


def test_answers_to_an_old_version_or_none_stay_readable():
    row = _with_answers({}, {"score": 3}, None)
    assert row == {"question_set": None, "answers": None, "nps": None, "ces": None}
    assert _with_answers({}, {"answers": [{"question_id": "nps", "value": 42}]}, None)["nps"] is None
