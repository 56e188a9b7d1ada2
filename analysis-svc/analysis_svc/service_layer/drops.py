"""Significant-drop alerts: a directorate's CSAT this period fell significantly from the last."""
from datetime import datetime

from analysis_svc.domain.alerts import drop_alert_id, stable_event_id
from analysis_svc.domain.periods import previous
from analysis_svc.domain.stats import two_proportion_p


def find_drops(repo, touched: set[tuple[str, str, str]], *, min_cell: int, alpha: float,
               now: datetime) -> list[tuple[str, dict]]:
    """(event_id, alert data) for each newly significant drop among touched (dir, kind, period)."""
    out = []
    for directorate, kind, period in sorted(touched):
        before = previous(kind, period)
        sums = repo.directorate_sums(directorate, kind, [period, before])
        cur, old = sums.get(period), sums.get(before)
        if not cur or not old or cur["responses"] < min_cell or old["responses"] < min_cell:
            continue
        p = two_proportion_p(cur["satisfied"], cur["responses"], old["satisfied"], old["responses"])
        current, earlier = cur["satisfied"] / cur["responses"], old["satisfied"] / old["responses"]
        if p is None or p >= alpha or current >= earlier:
            continue
        alert_id = drop_alert_id(directorate, kind, period)
        if not repo.claim_alert(alert_id, "significant_drop", directorate, now):
            continue
        out.append((stable_event_id("alert", alert_id), {
            "alert_id": alert_id, "directorate": directorate, "period": period,
            "previous_period": before, "previous_csat": round(earlier, 4),
            "current_csat": round(current, 4), "p_value": round(p, 6), "raised_at": now}))
    return out
