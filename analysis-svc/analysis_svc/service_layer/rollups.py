"""Incremental rollups: what one response (or one sent invitation) adds to each cell."""
from collections import Counter, defaultdict
from datetime import datetime, tzinfo

from analysis_svc.domain.periods import KINDS, UTC, period_of, period_start

CellKey = tuple  # (directorate, service, team, period_kind, period, period_start)


def cell_keys(directorate: str, service: str | None, team: str | None,
              moment: datetime, zone: tzinfo = UTC) -> list[CellKey]:
    """The week cell and the month cell a moment falls in (periods cut in `zone`)."""
    out = []
    for kind in KINDS:
        period = period_of(kind, moment, zone)
        out.append((directorate, service or "", team or "", kind, period,
                    period_start(kind, period)))
    return out


def contribution(row: dict) -> tuple[Counter, list[str]]:
    """Counters and themes one stored response adds to its cells."""
    commented = bool(row.get("redacted_comment"))
    counters = Counter(
        responses=1,
        invited_responses=1 if row.get("invitation_id") else 0,
        satisfied=1 if row["score"] >= 4 else 0,
        detractors=1 if row["score"] <= 2 else 0,
        score_sum=row["score"],
        sentiment_sum=row["compound"] if commented else 0.0,
        sentiment_sq_sum=row["compound"] ** 2 if commented else 0.0,
        commented=1 if commented else 0,
    )
    return counters, list(dict.fromkeys(row.get("themes") or [])) if commented else []


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
                cell[name] += sign * value
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
