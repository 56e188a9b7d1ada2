"""What makes a reorganisation or a node recordable: every fault named by its field."""
from datetime import date

from analysis_svc.domain.structure import (KINDS, SPLIT_FIELDS, Reorganisation, Structure,
                                           StructureError, UnknownReference, normalised)


def check_dates(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from and valid_to and valid_to <= valid_from:
        raise StructureError({"valid_to": ["Must be after valid_from."]})


def check_change(structure: Structure, change: Reorganisation,
                 known_values: dict[str, set[str]] | None = None) -> None:
    """Raise StructureError unless `change` fits the structure; `known_values` are the values of
    the split rule's field seen under each source (a split must place every one of them)."""
    errors: dict[str, list[str]] = {}

    def fault(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name in ("sources", "targets"):
        missing = [i for i in getattr(change, name) if i not in structure.nodes]
        if missing:
            fault(name, f"Unknown node: {', '.join(missing)}.")
    if change.kind == "move" and change.organisation not in structure.organisations:
        fault("organisation", "Unknown organisation.")
    if errors:
        raise UnknownReference(errors)
    if not change.sources:
        fault("sources", "At least one node.")
    if change.kind not in KINDS:
        fault("kind", f"Must be one of {', '.join(KINDS)}.")
    _by_kind(structure, change, known_values or {}, fault)
    _dates(structure, change, fault)
    if errors:
        raise StructureError(errors)


def _by_kind(structure, change, known_values, fault) -> None:
    one_source = len(change.sources) == 1
    if change.kind == "rename":
        if not one_source:
            fault("sources", "A rename has one node.")
        if not (change.name or "").strip():
            fault("name", "The new name is required.")
    elif change.kind == "merge":
        if len(change.sources) < 2:
            fault("sources", "A merge joins two nodes or more.")
        if len(change.targets) != 1:
            fault("targets", "A merge has one target.")
    elif change.kind == "move":
        if not one_source:
            fault("sources", "A move has one node.")
    elif change.kind == "split":
        if not one_source:
            fault("sources", "A split has one node.")
        if len(change.targets) < 2:
            fault("targets", "A split has two targets or more.")
        _split_rule(change, known_values.get(change.sources[0], set()), fault)


def _split_rule(change, known: set[str], fault) -> None:
    rule = change.rule
    if rule is None:
        fault("rule", "A split needs a rule.")
        return
    if rule.field not in SPLIT_FIELDS:
        fault("rule", f"field must be one of {', '.join(SPLIT_FIELDS)}.")
    used = set(rule.cases.values()) | ({rule.default} if rule.default else set())
    outside = sorted(used - set(change.targets))
    if outside:
        fault("rule", f"Targets outside the split: {', '.join(outside)}.")
    if set(change.targets) - used:
        fault("rule", f"No value goes to: {', '.join(sorted(set(change.targets) - used))}.")
    uncovered = sorted(v for v in known if rule.default is None and normalised(v) not in rule.cases)
    if uncovered:
        fault("rule", f"The rule does not cover {rule.field} {', '.join(map(repr, uncovered))} "
                      "(add them or a default).")


def _dates(structure, change, fault) -> None:
    """A node ends once (merge or split) and a change cannot precede its source's start."""
    for earlier in structure.changes:
        if earlier.id is not None and earlier.id == change.id:
            continue
        ended = set(earlier.sources) if earlier.kind in ("merge", "split") else set()
        started = set(earlier.targets) - set(earlier.sources)
        for node in change.sources:
            if node in ended and earlier.effective <= change.effective:
                fault("effective", f"{node} already ended on {earlier.effective.isoformat()}.")
            if node in started and change.effective <= earlier.effective:
                fault("effective", f"Dates reversed: {node} starts on "
                                   f"{earlier.effective.isoformat()}.")
