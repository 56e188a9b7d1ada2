"""Handlers of the organisation structure: nodes, aliases, reorganisations, unknown names."""
import re
import uuid
from datetime import date

from analysis_svc.domain import structure_commands as commands
from analysis_svc.domain.structure import (KINDS, Named, Node, Organisation, Reorganisation,
                                           SplitRule, StructureError, UnknownReference, normalised)
from analysis_svc.domain.structure_rules import check_change, check_dates


def _new_id(name: str, taken) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "node"
    return base if base not in taken else f"{base}-{uuid.uuid4().hex[:8]}"


def add_organisation(cmd: commands.AddOrganisation, uow) -> str:
    if not cmd.name.strip():
        raise StructureError({"name": ["Must not be blank."]})
    with uow:
        structure = uow.structure.load()
        if any(o.name.casefold() == cmd.name.strip().casefold()
               for o in structure.organisations.values()):
            raise StructureError({"name": ["An organisation has that name."]})
        if cmd.id and cmd.id in structure.organisations:
            raise StructureError({"id": ["Taken."]})
        org_id = cmd.id or _new_id(cmd.name, structure.organisations)
        uow.structure.add_organisation(Organisation(org_id, cmd.name.strip()))
        uow.commit()
    return org_id


def add_node(cmd: commands.AddNode, uow) -> str:
    with uow:
        node_id = _add_node(uow, uow.structure.load(), cmd)
        uow.commit()
    return node_id


def _add_node(uow, structure, cmd: commands.AddNode) -> str:
    errors: dict[str, list[str]] = {}
    if cmd.organisation not in structure.organisations:
        errors["organisation"] = ["Unknown organisation."]
    if cmd.parent and cmd.parent not in structure.nodes:
        errors["parent"] = ["Unknown node."]
    if errors:
        raise UnknownReference(errors)
    if not cmd.name.strip():
        errors["name"] = ["Must not be blank."]
    if cmd.kind not in ("directorate", "service"):
        errors["kind"] = ["Must be directorate or service."]
    if cmd.kind == "service" and not cmd.parent:
        errors["parent"] = ["A service needs its directorate."]
    if cmd.id and cmd.id in structure.nodes:
        errors["id"] = ["Taken."]
    if errors:
        raise StructureError(errors)
    check_dates(cmd.valid_from, cmd.valid_to)
    node_id = cmd.id or _new_id(cmd.name, structure.nodes)
    uow.structure.add_node(Node(node_id, cmd.organisation,
                                (Named(cmd.name.strip(), cmd.valid_from, cmd.valid_to),),
                                cmd.kind, cmd.parent))
    for alias in cmd.aliases:
        uow.structure.map_alias(alias, node_id)
    return node_id


def record_reorganisation(cmd: commands.RecordReorganisation, uow, clock) -> int:
    """Check and record a change; nothing is replayed: the views map rollups at query time."""
    with uow:
        change_id = _record(uow, uow.structure.load(), cmd, clock)
        uow.commit()
    return change_id


def _record(uow, structure, cmd: commands.RecordReorganisation, clock) -> int:
    try:
        rule = SplitRule.from_json(cmd.rule)
    except (KeyError, TypeError, AttributeError):
        raise StructureError({"rule": ["Give field, cases and optionally default."]}) from None
    targets = tuple(cmd.targets) or (tuple(cmd.sources) if cmd.kind in ("rename", "move") else ())
    change = Reorganisation(cmd.kind, cmd.effective, tuple(cmd.sources), targets, rule,
                            cmd.name, cmd.organisation, cmd.label)
    known = {}
    if cmd.kind == "split" and rule and cmd.sources and cmd.sources[0] in structure.nodes:
        source = structure.nodes[cmd.sources[0]]
        names = {n.name for n in source.names} | {
            a for a, n in structure.aliases.items() if n == source.id}
        known[source.id] = {v for v in uow.structure.values_under(
            _stored_spellings(uow, names), rule.field) if v}
    check_change(structure, change, known)
    return uow.structure.add_reorganisation(change, clock.now())


def _stored_spellings(uow, names: set[str]) -> set[str]:
    """The stored directorate names that normalise to any of `names`."""
    wanted = {normalised(n) for n in names}
    return {row[0] for row in uow.structure.seen_names() if normalised(row[0]) in wanted}


def map_alias(cmd: commands.MapAlias, uow) -> None:
    with uow:
        structure = uow.structure.load()
        node = structure.nodes.get(cmd.node)
        if node is None:
            raise UnknownReference({"node": ["Unknown node."]})
        if node.kind != "directorate":
            raise StructureError({"node": ["Names map to directorates, not services."]})
        if not cmd.name.strip():
            raise StructureError({"name": ["Required."]})
        uow.structure.map_alias(cmd.name, cmd.node)
        _scan(uow)
        uow.commit()


def scan_unknown_names(cmd: commands.ScanUnknownNames, uow) -> None:
    with uow:
        _scan(uow)
        uow.commit()


def _scan(uow) -> None:
    structure = uow.structure.load()
    listed = uow.structure.unknown()
    resolved = set()
    if not structure:  # no structure yet: nothing is "unknown", there is nothing to map to
        uow.structure.forget_unknown(set(listed))
        return
    for name, first, last, responses in uow.structure.seen_names():
        if structure.resolve(name, last) is not None:
            resolved.add(name)
            continue
        before = listed.get(name)
        first = min(first, before[0]) if before else first
        uow.structure.keep_unknown(name, first, max(last, before[1]) if before else last,
                                   int(responses or 0), known=before is not None)
    uow.structure.forget_unknown(resolved & set(listed))


def import_structure(cmd: commands.ImportStructure, uow, clock) -> dict:
    """Organisations, their nodes and aliases, then reorganisations (names or ids), in one go."""
    counts = {"organisations": 0, "nodes": 0, "aliases": 0, "reorganisations": 0}
    with uow:
        for org in cmd.document.get("organisations", []):
            structure = uow.structure.load()
            org_id = org.get("id") or _id_of_organisation(structure, org["name"])
            if org_id not in structure.organisations:
                org_id = org.get("id") or _new_id(org["name"], structure.organisations)
                uow.structure.add_organisation(Organisation(org_id, org["name"]))
                counts["organisations"] += 1
            for d in org.get("directorates", []):
                counts["nodes"] += _import_node(uow, org_id, d, counts)
        for item in cmd.document.get("aliases", []):
            node = _node_ref(uow.structure.load(), item["node"], "node")
            uow.structure.map_alias(item["name"], node)
            counts["aliases"] += 1
        for item in cmd.document.get("reorganisations", []):
            structure = uow.structure.load()
            _record(uow, structure, _change_command(structure, item), clock)
            counts["reorganisations"] += 1
        _scan(uow)
        uow.commit()
    return counts


def _import_node(uow, org_id: str, item: dict, counts: dict, parent: str | None = None) -> int:
    structure = uow.structure.load()
    kind = "service" if parent else "directorate"
    node_id = _add_node(uow, structure, commands.AddNode(
        org_id, item["name"], kind, parent, item.get("id"), _day(item.get("valid_from")),
        _day(item.get("valid_to")), tuple(item.get("aliases", ()))))
    counts["aliases"] += len(item.get("aliases", ()))
    return 1 + sum(_import_node(uow, org_id, s, counts, node_id)
                   for s in item.get("services", []))


def _change_command(structure, item: dict) -> commands.RecordReorganisation:
    if item.get("kind") not in KINDS:
        raise StructureError({"kind": [f"Must be one of {', '.join(KINDS)}."]})
    refs = {k: tuple(_node_ref(structure, v, k) for v in item.get(k, ()))
            for k in ("sources", "targets")}
    rule = item.get("rule")
    if rule:
        rule = {**rule, "cases": {k: _node_ref(structure, v, "rule")
                                  for k, v in rule.get("cases", {}).items()},
                "default": _node_ref(structure, rule["default"], "rule")
                if rule.get("default") else None}
    org = item.get("organisation")
    return commands.RecordReorganisation(
        item["kind"], _day(item["effective"]), refs["sources"], refs["targets"], rule,
        item.get("name"), _id_of_organisation(structure, org) if org else None,
        item.get("label", ""))


def _node_ref(structure, ref: str, field: str) -> str:
    """A node by id, else by one of its names (the import file may use either)."""
    if ref in structure.nodes:
        return ref
    for node in structure.nodes.values():
        if any(n.name.casefold() == ref.casefold() for n in node.names):
            return node.id
    raise UnknownReference({field: [f"Unknown node: {ref}."]})


def _id_of_organisation(structure, ref: str) -> str | None:
    if ref in structure.organisations:
        return ref
    return next((o.id for o in structure.organisations.values()
                 if o.name.casefold() == ref.casefold()), ref)


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def migrate_directorates(cmd: commands.MigrateDirectorates, uow) -> list[str]:
    """The one-command migration (#17 item 5): stored names become one organisation's nodes."""
    with uow:
        structure = uow.structure.load()
        org_id = _id_of_organisation(structure, cmd.organisation)
        if org_id not in structure.organisations:
            org_id = _new_id(cmd.organisation, structure.organisations)
            uow.structure.add_organisation(Organisation(org_id, cmd.organisation))
        made = []
        for name, _first, last, _n in sorted(uow.structure.seen_names()):
            if not name or uow.structure.load().resolve(name, last) is not None:
                continue
            _add_node(uow, uow.structure.load(), commands.AddNode(org_id, name))
            made.append(name)
        _scan(uow)
        uow.commit()
    return made


def set_sharing(cmd: commands.SetSharing, uow) -> dict:
    """An organisation's benchmarking choice; answers its id, name and share_named."""
    with uow:
        organisation = uow.structure.load().organisations.get(cmd.organisation)
        if organisation is None:
            raise UnknownReference({"organisation": ["Unknown organisation."]})
        uow.structure.set_sharing(organisation.id, cmd.share_named)
        uow.commit()
    return {"id": organisation.id, "name": organisation.name, "share_named": cmd.share_named}
