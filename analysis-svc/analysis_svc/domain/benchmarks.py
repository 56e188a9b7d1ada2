"""Benchmarking (issue #17): an organisation's figure per service beside its peers' distribution.

Small-cell rules, so that no one organisation's figure can be read off:
- an organisation-service cell under MIN_ANSWERS answers is suppressed: its own figure is not
  shown and it is left out of every peer distribution;
- peer statistics (median and quartiles of the peers' CSAT) need at least MIN_PEERS peers left;
- a peer's named figure is shown only if that organisation opted in (share_named), and not at
  all while 1 or 2 un-named peers sit beside the statistics (the named figures and the quartiles
  together would give the rest away).
"""
from dataclasses import dataclass
from statistics import quantiles

MIN_ANSWERS = 10
MIN_PEERS = 3


@dataclass(frozen=True)
class Cell:
    """One organisation's summed answers to one service over the window."""

    organisation: str
    responses: int
    satisfied: int

    @property
    def published(self) -> bool:
        return self.responses >= MIN_ANSWERS

    @property
    def csat(self) -> float:
        return round(self.satisfied / self.responses, 4)


def own_figure(cell: Cell | None) -> dict:
    """The organisation's own figure; None with suppressed=True under MIN_ANSWERS."""
    if cell is None or not cell.published:
        return {"responses": None, "csat": None, "suppressed": True}
    return {"responses": cell.responses, "csat": cell.csat, "suppressed": False}


def peer_statistics(values: list[float]) -> dict:
    """Median and quartiles (inclusive method) of the peers' figures; None under MIN_PEERS."""
    if len(values) < MIN_PEERS:
        return {"peers": len(values), "peer_q1": None, "peer_median": None, "peer_q3": None,
                "peer_suppressed": True}
    q1, median, q3 = quantiles(sorted(values), n=4, method="inclusive")
    return {"peers": len(values), "peer_q1": round(q1, 4), "peer_median": round(median, 4),
            "peer_q3": round(q3, 4), "peer_suppressed": False}


def benchmark(own: str, cells: list[Cell], sharing: set[str], names: dict[str, str]) -> dict:
    """`own`'s figure for one service beside the other organisations' (`cells` holds every
    organisation's cell of that service; `sharing` the ids that opted in to be named)."""
    mine = next((c for c in cells if c.organisation == own), None)
    peers = sorted((c for c in cells if c.organisation != own and c.published),
                   key=lambda c: c.organisation)
    stats = peer_statistics([c.csat for c in peers])
    named = [c for c in peers if c.organisation in sharing]
    unnamed = len(peers) - len(named)
    if not stats["peer_suppressed"] and 0 < unnamed < MIN_PEERS:
        named = []
    return own_figure(mine) | stats | {"named_peers": [
        {"organisation": c.organisation, "name": names.get(c.organisation, c.organisation),
         "responses": c.responses, "csat": c.csat} for c in named]}
