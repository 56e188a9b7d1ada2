"""Turn summed rollup counters into published measures, suppressing small cells."""
from analysis_svc.domain.stats import mean_interval, trend_test, two_proportion_p, wilson

COUNTERS = ("responses", "invited_responses", "invitations", "satisfied", "detractors",
            "score_sum", "sentiment_sum", "sentiment_sq_sum", "commented")
MEASURES = ("responses", "invitations", "response_rate", "csat", "csat_low", "csat_high",
            "mean_score", "mean_sentiment", "sentiment_ci_low", "sentiment_ci_high", "detractors")


def measures(sums: dict, min_cell: int) -> dict:
    """Published measures of one cell; every figure is None when the cell is too small."""
    n = sums.get("responses") or 0
    if n < min_cell:
        return {name: None for name in MEASURES} | {"suppressed": True}
    interval = wilson(sums["satisfied"], n)
    invitations = sums.get("invitations") or 0
    commented = sums.get("commented") or 0
    band = mean_interval(sums["sentiment_sum"], sums.get("sentiment_sq_sum") or 0.0, commented)
    return {
        "responses": n,
        "invitations": invitations,
        "response_rate": (round(min(sums["invited_responses"] / invitations, 1.0), 4)
                          if invitations else None),
        "csat": round(sums["satisfied"] / n, 4),
        "csat_low": round(interval.low, 4),
        "csat_high": round(interval.high, 4),
        "mean_score": round(sums["score_sum"] / n, 3),
        "mean_sentiment": round(sums["sentiment_sum"] / commented, 3) if commented else None,
        # t interval over the commented responses (None under two comments).
        "sentiment_ci_low": round(band.low, 3) if band else None,
        "sentiment_ci_high": round(band.high, 3) if band else None,
        "detractors": sums["detractors"],
        "suppressed": False,
    }


def change(current: dict | None, previous: dict | None, min_cell: int, alpha: float) -> dict | None:
    """Period-over-period CSAT change with a two-proportion z-test; None if either cell is small."""
    if not current or not previous:
        return None
    n1, n0 = current.get("responses") or 0, previous.get("responses") or 0
    if n1 < min_cell or n0 < min_cell:
        return None
    p = two_proportion_p(current["satisfied"], n1, previous["satisfied"], n0)
    delta = current["satisfied"] / n1 - previous["satisfied"] / n0
    return {"previous_csat": round(previous["satisfied"] / n0, 4), "delta": round(delta, 4),
            "p_value": round(p, 6), "significant": p < alpha}


def trend(series: list[dict], min_cell: int, alpha: float) -> dict | None:
    """Cochran-Armitage trend over the given periods (oldest first), small cells left out."""
    usable = [s for s in series if (s.get("responses") or 0) >= min_cell]
    result = trend_test([s["satisfied"] for s in usable], [s["responses"] for s in usable])
    if result is None:
        return None
    z, p = result
    direction = "up" if z > 0 else "down" if z < 0 else "flat"
    return {"periods": len(usable), "z": round(z, 4), "p_value": round(p, 6),
            "direction": direction if p < alpha else "flat", "significant": p < alpha}
