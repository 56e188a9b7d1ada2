"""Incremental rollups: what one response (or one sent invitation) adds to each cell."""
from collections import Counter, defaultdict
from datetime import datetime, tzinfo

from analysis_svc.domain.periods import UTC, local_day, periods_of_day

CellKey = tuple  # (directorate, service, team, period_kind, period, period_start)


def cell_keys(directorate: str, service: str | None, team: str | None,
              moment: datetime, zone: tzinfo = UTC) -> list[CellKey]:
    """The week cell and the month cell a moment falls in (periods cut in `zone`)."""
    cohort = (directorate, service or "", team or "")
    return [cohort + cell for cell in periods_of_day(local_day(moment, zone))]


def contribution(row: dict) -> tuple[dict[str, float], list[str]]:
    """Counters (the non-zero ones) and themes one stored response adds to its cells."""
    score = row["score"]
    counters = {"responses": 1, "score_sum": score}
    if row.get("invitation_id"):
        counters["invited_responses"] = 1
    if score >= 4:
        counters["satisfied"] = 1
    elif score <= 2:
        counters["detractors"] = 1
    counters.update(_question_counters(row))
    if not row.get("redacted_comment"):
        return counters, []
    compound = row["compound"]
    counters.update(sentiment_sum=compound, sentiment_sq_sum=compound ** 2, commented=1)
    return counters, list(dict.fromkeys(row.get("themes") or []))


def _question_counters(row: dict) -> dict[str, int]:
    """NPS: promoters 9-10, detractors 0-6 (passives 7-8 count in the total only); CES sums."""
    counters = {}
    nps, ces = row.get("nps"), row.get("ces")
    if nps is not None:
        counters["nps_responses"] = 1
        if nps >= 9:
            counters["nps_promoters"] = 1
        elif nps <= 6:
            counters["nps_detractors"] = 1
    if ces is not None:
        counters.update(ces_responses=1, ces_sum=ces, ces_sq_sum=ces * ces)
    return counters


class Deltas:
    """Accumulated changes to rollup cells for one batch, applied in one go."""

    def __init__(self, zone: tzinfo = UTC):
        self.zone = zone
        self.cells: dict[CellKey, Counter] = defaultdict(Counter)
        self.themes: dict[tuple, int] = defaultdict(int)

    def add_response(self, row: dict, sign: int = 1) -> None:
        counters, themes = contribution(row)
        for key in cell_keys(row["directorate"], row.get("service"), row.get("team"),
                             row["submitted_at"], self.zone):
            cell = self.cells[key]
            for name, value in counters.items():
                cell[name] += value if sign == 1 else -value
            for theme in themes:
                self.themes[key + (theme,)] += sign

    def replace_response(self, old: dict | None, new: dict) -> None:
        if old is not None:
            self.add_response(old, -1)
        self.add_response(new, 1)

    def add_invitation(self, directorate: str, service: str | None, team: str | None,
                       sent_at: datetime) -> None:
        for key in cell_keys(directorate, service, team, sent_at, self.zone):
            self.cells[key]["invitations"] += 1

    def directorates(self) -> set[str]:
        return {key[0] for key in self.cells}
