"""Wilson intervals, the two-proportion test and the trend test against hand-computed values."""
import math

import pytest
from scipy import stats as scipy_stats

from analysis_svc.domain.stats import trend_test, two_proportion_p, wilson


def test_wilson_matches_the_textbook_formula():
    # 8 of 10 satisfied: p=0.8, z=1.96; centre=(0.8+0.19208)/1.38415, half=1.96/1.38415*sqrt(0.016+0.009604)
    interval = wilson(8, 10)
    assert interval.low == pytest.approx(0.4902, abs=1e-4)
    assert interval.high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_stays_inside_zero_and_one_at_the_extremes():
    assert wilson(0, 5).low == 0.0
    assert wilson(5, 5).high == 1.0
    assert wilson(5, 5).low == pytest.approx(0.5655, abs=1e-4)
    assert wilson(0, 0) is None


def test_two_proportion_p_value_by_hand():
    # 40/50 vs 30/50: pooled 0.7, se=sqrt(0.7*0.3*0.04)=0.091652, z=0.2/0.091652=2.1822
    p = two_proportion_p(40, 50, 30, 50)
    assert p == pytest.approx(2 * (1 - scipy_stats.norm.cdf(2.1822)), abs=1e-4)
    assert p == pytest.approx(0.0291, abs=1e-3)


def test_two_proportion_agrees_with_uncorrected_chi_square():
    chi2, p, _, _ = scipy_stats.chi2_contingency([[40, 10], [30, 20]], correction=False)
    assert two_proportion_p(40, 50, 30, 50) == pytest.approx(p)


def test_two_proportion_without_data_or_variance():
    assert two_proportion_p(1, 0, 1, 1) is None
    assert two_proportion_p(5, 5, 5, 5) == 1.0


def test_trend_test_by_hand():
    # Proportions 2/10, 5/10, 8/10 at t=0,1,2: p=0.5, mean t=1, T=sum t(x-np)=0*(-3)+1*0+2*3=6,
    # var=0.25*(10+0+10)=5, z=6/sqrt(5)=2.6833
    z, p = trend_test([2, 5, 8], [10, 10, 10])
    assert z == pytest.approx(6 / math.sqrt(5))
    assert p == pytest.approx(2 * scipy_stats.norm.sf(6 / math.sqrt(5)))


def test_trend_test_needs_three_periods():
    assert trend_test([1, 2], [5, 5]) is None
