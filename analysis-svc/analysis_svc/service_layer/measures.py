"""Turn summed rollup counters into published measures, suppressing small cells."""
from analysis_svc.domain.fdr import REFERENCE_CHANGE
from analysis_svc.domain.stats import (change_reference_z, mean_interval, net_promoter,
                                       trend_reference_z, trend_test, two_proportion_p, wilson)

COUNTERS = ("responses", "invited_responses", "invitations", "satisfied", "detractors",
            "score_sum", "sentiment_sum", "sentiment_sq_sum", "commented",
            # question sets (contracts.questions): NPS 0-10, CES 1-7
            "nps_responses", "nps_promoters", "nps_detractors", "ces_responses", "ces_sum",
            "ces_sq_sum")
QUESTION_MEASURES = ("nps_responses", "nps", "nps_low", "nps_high", "ces_responses", "ces",
                     "ces_low", "ces_high")
MEASURES = ("responses", "invitations", "response_rate", "csat", "csat_low", "csat_high",
            "mean_score", "mean_sentiment", "sentiment_ci_low", "sentiment_ci_high",
            "detractors") + QUESTION_MEASURES


def question_measures(sums: dict, min_cell: int) -> dict:
    """NPS (-100..100, interval from the variance of a difference of proportions) and mean CES
    (1..7, Student-t interval); each None under min_cell answers to its own question."""
    out = dict.fromkeys(QUESTION_MEASURES)
    n = sums.get("nps_responses") or 0
    if n >= min_cell:
        score, band = net_promoter(sums["nps_promoters"], sums["nps_detractors"], n)
        out.update(nps_responses=n, nps=round(score, 1), nps_low=round(band.low, 1),
                   nps_high=round(band.high, 1))
    n = sums.get("ces_responses") or 0
    if n >= min_cell:
        band = mean_interval(sums["ces_sum"], sums["ces_sq_sum"], n, bounds=(1.0, 7.0))
        out.update(ces_responses=n, ces=round(sums["ces_sum"] / n, 2),
                   ces_low=round(band.low, 2), ces_high=round(band.high, 2))
    return out


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
    } | question_measures(sums, min_cell)


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
            "p_value": round(p, 6), "significant": p < alpha,
            "reference_z": round(change_reference_z(n1, n0, REFERENCE_CHANGE), 4)}


def trend(series: list[dict], min_cell: int, alpha: float) -> dict | None:
    """Cochran-Armitage trend over the given periods (oldest first), small cells left out."""
    usable = [s for s in series if (s.get("responses") or 0) >= min_cell]
    result = trend_test([s["satisfied"] for s in usable], [s["responses"] for s in usable])
    if result is None:
        return None
    z, p = result
    direction = "up" if z > 0 else "down" if z < 0 else "flat"
    totals = [s["responses"] for s in usable]
    return {"periods": len(usable), "z": round(z, 4), "p_value": round(p, 6),
            "direction": direction if p < alpha else "flat", "significant": p < alpha,
            "reference_z": round(trend_reference_z(totals, REFERENCE_CHANGE), 4)}
