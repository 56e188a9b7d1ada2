"""The organisation structure in SQL: loaded whole (it is small), written row by row."""
from sqlalchemy import delete, func, select, update

from analysis_svc.adapters.orm import rollups
from analysis_svc.adapters.structure_orm import (organisations, reorganisations, structure_aliases,
                                                 structure_names, structure_nodes, unknown_names)
from analysis_svc.domain.structure import (Named, Node, Organisation, Reorganisation, SplitRule,
                                           Structure, normalised)


def load_structure(session) -> Structure:
    """Every organisation, node, alias and reorganisation as one domain Structure."""
    names: dict[str, list[Named]] = {}
    for row in session.execute(select(structure_names).order_by(structure_names.c.id)):
        names.setdefault(row.node_id, []).append(Named(row.name, row.valid_from, row.valid_to))
    nodes = [Node(row.id, row.organisation_id, tuple(names.get(row.id, ())), row.kind,
                  row.parent_id) for row in session.execute(select(structure_nodes))]
    changes = [Reorganisation(row.kind, row.effective, tuple(row.sources), tuple(row.targets),
                              SplitRule.from_json(row.rule), row.name, row.organisation_id,
                              row.label or "", row.id)
               for row in session.execute(select(reorganisations))]
    return Structure(
        [Organisation(row.id, row.name, bool(row.share_named))
         for row in session.execute(select(organisations))],
        [n for n in nodes if n.names],
        {row.alias: row.node_id for row in session.execute(select(structure_aliases))},
        changes)


class StructureRepository:
    def __init__(self, session):
        self.session = session

    def load(self) -> Structure:
        return load_structure(self.session)

    def add_organisation(self, organisation: Organisation) -> None:
        self.session.execute(organisations.insert().values(id=organisation.id,
                                                          name=organisation.name))

    def set_sharing(self, organisation_id: str, share_named: bool) -> None:
        self.session.execute(update(organisations).where(organisations.c.id == organisation_id)
                             .values(share_named=share_named))

    def add_node(self, node: Node) -> None:
        self.session.execute(structure_nodes.insert().values(
            id=node.id, organisation_id=node.organisation, kind=node.kind, parent_id=node.parent))
        for named in node.names:
            self.session.execute(structure_names.insert().values(
                node_id=node.id, name=named.name, valid_from=named.valid_from,
                valid_to=named.valid_to))

    def add_reorganisation(self, change: Reorganisation, recorded_at) -> int:
        return self.session.execute(reorganisations.insert().values(
            kind=change.kind, effective=change.effective, sources=list(change.sources),
            targets=list(change.targets), rule=change.rule.as_json() if change.rule else None,
            name=change.name, organisation_id=change.organisation, label=change.label,
            recorded_at=recorded_at)).inserted_primary_key[0]

    def map_alias(self, given: str, node_id: str) -> None:
        key = normalised(given)
        self.session.execute(delete(structure_aliases).where(structure_aliases.c.alias == key))
        self.session.execute(structure_aliases.insert().values(alias=key, given=given.strip(),
                                                               node_id=node_id))

    def seen_names(self) -> list[tuple]:
        """(directorate, first week start, last week start, responses) of every stored name."""
        stmt = (select(rollups.c.directorate, func.min(rollups.c.period_start),
                       func.max(rollups.c.period_start), func.sum(rollups.c.responses))
                .where(rollups.c.period_kind == "week").group_by(rollups.c.directorate))
        return [tuple(row) for row in self.session.execute(stmt)]

    def values_under(self, directorate_names: set[str], column: str) -> set[str]:
        """Every value of a cohort column stored under any of these directorate names."""
        if not directorate_names:
            return set()
        stmt = select(rollups.c[column]).where(
            rollups.c.directorate.in_(sorted(directorate_names))).distinct()
        return {value for value in self.session.execute(stmt).scalars()}

    def unknown(self) -> dict[str, tuple]:
        return {row.name: (row.first_seen, row.last_seen, row.responses)
                for row in self.session.execute(select(unknown_names))}

    def keep_unknown(self, name: str, first, last, responses: int, known: bool) -> None:
        """Insert or update the listed unknown name."""
        values = {"first_seen": first, "last_seen": last, "responses": responses}
        if known:
            self.session.execute(update(unknown_names).where(unknown_names.c.name == name)
                                 .values(**values))
        else:
            self.session.execute(unknown_names.insert().values(name=name, **values))

    def forget_unknown(self, names) -> None:
        if names:
            self.session.execute(delete(unknown_names).where(unknown_names.c.name.in_(
                sorted(names))))
