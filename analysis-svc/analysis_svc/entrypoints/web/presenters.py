"""Turn read-model results into what a page shows: theme series, movers, plain-English findings."""
from collections import Counter
from functools import cache


@cache
def _labels() -> dict[str, str]:
    """The curated taxonomy's own labels for its theme ids."""
    from analysis_svc.adapters.text.taxonomy import TAXONOMY
    return {t.id: t.label for t in TAXONOMY}


def theme_name(theme: str) -> str:
    return _labels().get(theme) or theme.replace("_", " ").replace("-", " ").capitalize()


def pct(value) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def theme_series(found: tuple[dict, list] | None, periods: list[str]) -> dict:
    """Theme shares per period (from read_model.theme_periods), the leading themes and the movers."""
    if found is None or not periods:
        return {"names": [], "per_period": {}, "movers": [], "chart": {"labels": [], "series": []}}
    commented, rows = found
    counts: dict[str, dict[str, int]] = {p: {} for p in periods}
    for period, theme, count in rows:
        if period in commented and period in counts:
            counts[period][theme] = int(count or 0)
    totals: Counter = sum((Counter(c) for c in counts.values()), Counter())
    names = [t for t, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])) if totals[t]][:8]
    per_period = {p: {t: (round(c / commented[p], 4) if commented.get(p) else None) for t, c in counts[p].items()}
                  for p in periods}
    chart = {"labels": list(per_period), "series": [
        {"label": theme_name(n), "values": [per_period[k].get(n) or 0 for k in per_period], "percent": True}
        for n in names[:5]]}
    return {"names": names, "per_period": per_period, "movers": movers(per_period, names), "chart": chart}


def movers(per_period: dict, names: list[str]) -> list[dict]:
    """Change in share between the first and second half of the window, biggest first."""
    keys = list(per_period)
    if len(keys) < 2:
        return []
    half = len(keys) // 2
    out = []
    for name in names:
        before = [per_period[k].get(name) or 0 for k in keys[:half]]
        after = [per_period[k].get(name) or 0 for k in keys[half:]]
        delta = sum(after) / len(after) - sum(before) / len(before)
        out.append({"theme": name, "before": sum(before) / len(before), "after": sum(after) / len(after),
                    "delta": delta})
    return sorted(out, key=lambda m: -abs(m["delta"]))[:5]


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _tested(test: dict) -> str:
    """The raw p-value and, once the family is adjusted, the weighted-BH adjusted one beside it."""
    adjusted = test.get("p_adjusted")
    if adjusted is None:
        return p_text(test["p_value"])
    return f"{p_text(test['p_value'])}, adjusted {p_text(adjusted)}"


# The weighting of domain.fdr, in words (the board report's methodology says the same).
WEIGHTING = ("Each comparison is weighted by its chance of detecting a 15-point change, given how "
             "many answers it rests on, at the strict level a first finding must pass (that rate "
             "divided by the number of comparisons); the weights are worked out before any result "
             "is seen and average one, so comparisons over many answers need less evidence to be "
             "listed and those over a handful need more.")


def fdr_text(family_size: int, q: float) -> str:
    """What 'significant' means on a page: the false discovery rate across the view's tests."""
    if not family_size:
        return "Too few answers in this selection to test for changes."
    tests = "comparison" if family_size == 1 else "comparisons"
    return (f"We control the false discovery rate at {q * 100:g}% across the {family_size} {tests} "
            f"in this view (weighted Benjamini–Hochberg): of the changes listed, we expect no more "
            f"than {q * 100:g}% on average to be chance. {WEIGHTING}")


def findings(rows: list[dict], label: str, period: str) -> list[str]:
    """Significant changes and trends (after the view's FDR control), in plain words."""
    out = []
    for row in rows:
        where = " – ".join(v for v in (row.get("directorate"), row.get("service")) if v) or label
        change, trend = row.get("change"), row.get("trend")
        if change and change["significant"]:
            verb = "rose" if change["delta"] > 0 else "fell"
            out.append(f"{where}: satisfaction {verb} from {pct(change['previous_csat'])} to "
                       f"{pct(row['csat'])} in {row['period']} compared with the {period} before "
                       f"(two-proportion test, {_tested(change)}).")
        if trend and trend["significant"]:
            word = "improving" if trend["direction"] == "up" else "worsening"
            out.append(f"{where}: satisfaction has been steadily {word} over the last "
                       f"{trend['periods']} {period}s (trend test, {_tested(trend)}).")
    return out


TOOLS = {"rt": "Request Tracker", "servicenow": "ServiceNow", "jira": "Jira Service Management",
         "freshservice": "Freshservice", "glpi": "GLPI"}
_WHEN = "%d %b %Y %H:%M"


def tool_name(kind: str) -> str:
    return TOOLS.get(kind, kind)


def ticket_label(trail: dict) -> str:
    """RT#123 for Request Tracker (its ids are bare numbers); the tool's own id otherwise."""
    return f"RT#{trail['ticket_id']}" if trail["tool"] == "rt" else trail["ticket_id"]


def write_back_text(trail: dict) -> str:
    """What became of the answer in the ticket, in a sentence."""
    tool, ticket = tool_name(trail["tool"]), ticket_label(trail)
    if trail["status"] == "delivered":
        reopened = " and the ticket reopened" if trail["reopened"] else ""
        return f"Note added to ticket {ticket}{reopened} at {trail['status_at']:{_WHEN}}."
    why = trail.get("reason") or "no answer"
    if trail["status"] == "retrying":
        when = trail.get("next_attempt_at")
        again = f", next try {when:{_WHEN}}" if when else ""
        return (f"Could not reach {tool} for ticket {ticket}: {why} (will retry{again}; "
                f"{trail['attempts']} attempts so far).")
    return (f"{tool} did not take the note for ticket {ticket} after {trail['attempts']} "
            f"attempts: {why}. It is parked: an administrator needs to look at the connector.")


def follow_up_text(trail: dict) -> str | None:
    if not trail.get("followed_up_at"):
        return None
    return f"The team's follow-up: {trail['follow_up']}, {trail['followed_up_at']:{_WHEN}}."
