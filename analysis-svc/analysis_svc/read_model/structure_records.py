"""Record-level reads "as it is now" (#17): each answer labelled with today's directorate.

SQL narrows the read to the stored names that can become a directorate the caller may see (or
the one asked for); each row is then placed by the structure, as the aggregate view places its
rollup cells, and kept only when today's name is in scope. An answer's own day resolves its name.
"""
from dataclasses import dataclass, field
from datetime import date, tzinfo

from sqlalchemy import select

from chassis.scope import allows

from analysis_svc.adapters.orm import rollups
from analysis_svc.adapters.structure_repository import load_structure
from analysis_svc.domain.periods import UTC, local_day
from analysis_svc.domain.structure import Structure, normalised


@dataclass
class NowRecords:
    structure: Structure
    today: date
    zone: tzinfo
    scope: set[str] | None
    directorate: str | None
    _named: dict = field(default_factory=dict, repr=False)  # an export reads many rows per cell

    def stored_names(self, session) -> set[str] | None:
        """The stored names worth reading (None: every one)."""
        if self.scope is None and self.directorate is None:
            return None
        stored = session.execute(select(rollups.c.directorate).distinct()).scalars()
        return {name for name in stored if any(self._wanted(n) for n in self.becomes(name))}

    def place(self, row: dict) -> dict | None:
        """The row relabelled with today's directorate, or None when the caller may not see it."""
        key = (row["directorate"], row.get("service"), row.get("team"),
               local_day(row["submitted_at"], self.zone))
        if key not in self._named:
            self._named[key] = self.structure.as_now(
                key[0], key[3], self.today, {"service": key[1], "team": key[2]}).name
        name = self._named[key]
        return {**row, "directorate": name} if self._wanted(name) else None

    def _wanted(self, name: str) -> bool:
        return allows(self.scope, name) and (not self.directorate or name == self.directorate)

    def becomes(self, stored: str, ended: bool = True) -> set[str]:
        """Every name today an answer stored under `stored` may carry (any day, any value);
        without `ended`, not the nodes a merge or split ended (a rule covers every value)."""
        key, structure = normalised(stored), self.structure
        reached = {node.id for node in structure.nodes.values()
                   if any(normalised(n.name) == key for n in node.names)}
        if key in structure.aliases:
            reached.add(structure.aliases[key])
        if not reached:
            return {stored}
        gone = set()
        for change in structure.changes:  # in date order: a target's own later changes follow
            if change.effective <= self.today and reached & set(change.sources):
                reached |= set(change.targets)
                if change.kind in ("merge", "split"):
                    gone |= set(change.sources)
        kept = reached if ended else (reached - gone or reached)
        return {structure.nodes[i].name_at(self.today) for i in kept if i in structure.nodes}


def now_records(session, view: str | None, today: date | None, zone: tzinfo, scope,
                directorate: str | None) -> NowRecords | None:
    """The "as it is now" placement of a record read, or None for the stored names."""
    if view != "as_now" or today is None:
        return None
    structure = load_structure(session)
    return NowRecords(structure, today, zone, scope, directorate) if structure else None


def directorates_now(session, scope, today: date) -> list[str] | None:
    """The directorates a viewer can choose in the "as it is now" view (None: no structure)."""
    structure = load_structure(session)
    if not structure:
        return None
    now = NowRecords(structure, today, UTC, scope, None)
    stored = session.execute(select(rollups.c.directorate).distinct()).scalars()
    return sorted({n for name in stored for n in now.becomes(name, ended=False) if allows(scope, n)})
