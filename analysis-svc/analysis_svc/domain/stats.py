"""The statistics behind every published figure: Wilson intervals and significance tests."""
import math
from dataclasses import dataclass
from functools import lru_cache

from scipy.special import ndtr, ndtri, stdtrit

Z95 = 1.959963984540054


def two_sided_p(z: float) -> float:
    """2 * scipy.stats.norm.sf(|z|) = erfc(|z| / sqrt 2): a feed computes thousands of these,
    and a scalar call of a scipy ufunc costs microseconds where math.erfc costs nanoseconds."""
    return math.erfc(abs(z) / math.sqrt(2))


@lru_cache(maxsize=4096)
def _t_quantile(df: int, q: float) -> float:
    """Student's t quantile; a feed asks for the same few degrees of freedom again and again."""
    return float(stdtrit(df, q))


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson(successes: int, n: int, z: float = Z95) -> Interval | None:
    """Wilson score interval for a proportion (None when n is 0)."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def mean_interval(total: float, sq_total: float, n: int, level: float = 0.95,
                  bounds: tuple[float, float] = (-1.0, 1.0)) -> Interval | None:
    """Student-t interval for a mean from n, sum and sum of squares (None when n < 2).

    mean +- t(level, n-1) * s / sqrt(n), s the sample standard deviation; clipped to `bounds`
    (sentiment lives in [-1, 1]). Responses are treated as independent draws.
    """
    if n < 2:
        return None
    mean = total / n
    variance = max(0.0, (sq_total - total * total / n) / (n - 1))  # rounding can dip below 0
    half = _t_quantile(n - 1, 0.5 + level / 2) * math.sqrt(variance / n)
    return Interval(max(bounds[0], mean - half), min(bounds[1], mean + half))


def net_promoter(promoters: int, detractors: int, n: int, z: float = Z95) -> tuple | None:
    """(NPS, Interval) on the -100..100 scale, or None when n is 0.

    NPS = 100 (p_P - p_D). Promoters, passives and detractors are one multinomial draw, so
    Var(p_P - p_D) = (p_P + p_D - (p_P - p_D)^2) / n (the variance of a difference of two
    proportions from the same sample); the interval is NPS +- z * 100 * sqrt(Var), a Wald
    interval clipped to [-100, 100].
    """
    if n <= 0:
        return None
    p_p, p_d = promoters / n, detractors / n
    score = p_p - p_d
    half = z * math.sqrt(max(0.0, p_p + p_d - score * score) / n)
    return 100 * score, Interval(max(-100.0, 100 * (score - half)),
                                 min(100.0, 100 * (score + half)))


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided p-value of the pooled two-proportion z-test (period vs previous period)."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return two_sided_p(z)


def trend_test(successes: list[int], totals: list[int]) -> tuple[float, float] | None:
    """Cochran-Armitage test for a linear trend in proportions over ordered periods.

    Returns (z, two-sided p); z > 0 means the proportion rises over time.
    """
    points = [(i, x, n) for i, (x, n) in enumerate(zip(successes, totals)) if n > 0]
    if len(points) < 3:
        return None
    total_n = sum(n for _, _, n in points)
    p = sum(x for _, x, _ in points) / total_n
    mean_t = sum(t * n for t, _, n in points) / total_n
    numerator = sum(t * (x - n * p) for t, x, n in points)
    variance = p * (1 - p) * sum(n * (t - mean_t) ** 2 for t, _, n in points)
    if variance == 0:
        return (0.0, 1.0)
    z = numerator / math.sqrt(variance)
    return (z, two_sided_p(z))


def z_power(reference_z: float, alpha: float) -> float:
    """A two-sided z-test's power at level alpha when the effect looked for gives an expected
    z of reference_z: P(|Z| > z_(1-alpha/2)) for Z ~ N(reference_z, 1)."""
    z = float(ndtri(1 - alpha / 2))
    return float(ndtr(reference_z - z) + ndtr(-reference_z - z))


def change_reference_z(n1: int, n0: int, effect: float) -> float:
    """The z a change of `effect` (a share: 0.15 = 15 points) would give the two-proportion test
    with these answer counts. The variance is taken at p = 0.5, its largest, so the figure
    depends on the counts alone, never on the observed shares or the p-value."""
    if n1 <= 0 or n0 <= 0:
        return 0.0
    return effect / (0.5 * math.sqrt(1 / n1 + 1 / n0))


def trend_reference_z(totals: list[int], effect: float) -> float:
    """The z a steady move of `effect` from the first period to the last would give the
    Cochran-Armitage test with these per-period answer counts (p = 0.5, as above)."""
    points = [(t, n) for t, n in enumerate(totals) if n > 0]
    if len(points) < 3:
        return 0.0
    total_n = sum(n for _, n in points)
    mean_t = sum(t * n for t, n in points) / total_n
    spread = sum(n * (t - mean_t) ** 2 for t, n in points)
    return effect / (points[-1][0] - points[0][0]) * math.sqrt(spread) / 0.5
