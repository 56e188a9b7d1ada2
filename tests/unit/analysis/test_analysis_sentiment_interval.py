"""The mean-sentiment confidence interval against a hand computation, from rollup sums."""
from datetime import datetime, timezone

import pytest

from analysis_svc.domain.stats import mean_interval
from analysis_svc.service_layer.measures import measures
from analysis_svc.service_layer.rollups import Deltas

SCORES = [0.5, -0.2, 0.8, 0.1, 0.3]


def test_t_interval_by_hand():
    # mean 0.3; squared deviations .04+.25+.25+.04+0 = 0.58; s^2 = 0.58/4 = 0.145;
    # se = sqrt(0.145/5) = 0.170294; t(0.975, 4) = 2.776445; half = 0.472812
    band = mean_interval(sum(SCORES), sum(x * x for x in SCORES), len(SCORES))
    assert band.low == pytest.approx(0.3 - 0.472812, abs=1e-6)
    assert band.high == pytest.approx(0.3 + 0.472812, abs=1e-6)


def test_interval_needs_two_values_and_stays_inside_minus_one_to_one():
    assert mean_interval(0.5, 0.25, 1) is None
    assert mean_interval(0.0, 0.0, 0) is None
    wide = mean_interval(0.95 + 0.99 - 0.9, 0.95**2 + 0.99**2 + 0.81, 3)
    assert wide.low >= -1.0 and wide.high <= 1.0
    flat = mean_interval(1.5, 0.75, 3)  # three of 0.5: no spread, a zero-width band
    assert flat.low == pytest.approx(0.5) and flat.high == pytest.approx(0.5)


def test_measures_publish_the_band_from_rollup_sums():
    deltas = Deltas()
    for compound in SCORES + [None, None]:
        deltas.add_response({"score": 4, "compound": compound or 0.0, "directorate": "A",
                             "redacted_comment": "text" if compound is not None else None,
                             "submitted_at": datetime(2026, 11, 10, tzinfo=timezone.utc)})
    (cell, _) = deltas.cells.values()
    assert cell["sentiment_sq_sum"] == pytest.approx(sum(x * x for x in SCORES))
    published = measures(cell, min_cell=5)
    assert published["mean_sentiment"] == 0.3
    assert published["sentiment_ci_low"] == pytest.approx(-0.173, abs=1e-3)
    assert published["sentiment_ci_high"] == pytest.approx(0.773, abs=1e-3)
    suppressed = measures(cell, min_cell=10)
    assert suppressed["sentiment_ci_low"] is None and suppressed["sentiment_ci_high"] is None
