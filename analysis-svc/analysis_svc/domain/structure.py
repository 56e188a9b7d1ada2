"""Organisations, their effective-dated structure and its reorganisations (issue #17).

Organisation -> directorate -> service nodes keep stable ids; a node's display name is dated
(valid_from inclusive, valid_to exclusive). Incoming free-text names resolve to nodes through
their names and aliases, compared normalised (case and spacing ignored). A reorganisation is
data: rename, merge (A + B -> C), split (A -> B, C by a rule on service or team) or move (a
directorate to another organisation), each from its effective day on.

"As it was" is the node an answer was given under, labelled as it was then; "as it is now" follows
every change the node went through after the answer, in date order, up to today. A name that
resolves to nothing is kept under its own name (never dropped) and listed as unknown.
"""
from dataclasses import dataclass, field
from datetime import date

KINDS = ("rename", "merge", "split", "move")
SPLIT_FIELDS = ("service", "team")


def normalised(name: str | None) -> str:
    """How names are compared: case and runs of spaces do not matter."""
    return " ".join((name or "").split()).casefold()


@dataclass(frozen=True)
class Named:
    name: str
    valid_from: date | None = None  # inclusive; None: always
    valid_to: date | None = None  # exclusive; None: still

    def covers(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day < self.valid_to))


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    share_named: bool = False  # opted in to its named figures in benchmarks


@dataclass(frozen=True)
class Node:
    id: str
    organisation: str  # the organisation's id it was created in (moves are reorganisations)
    names: tuple[Named, ...]
    kind: str = "directorate"  # "directorate" | "service"
    parent: str | None = None  # a service's directorate

    def name_at(self, day: date) -> str:
        """The display name on `day`; before its first name, the first; after its last, the last."""
        dated = sorted(self.names, key=lambda n: n.valid_from or date.min)
        for named in dated:
            if named.covers(day):
                return named.name
        before = [n for n in dated if (n.valid_from or date.min) <= day]
        return (before[-1] if before else dated[0]).name


@dataclass(frozen=True)
class SplitRule:
    """Which target each value of `field` goes to; `default` takes any other value."""

    field: str
    cases: dict  # normalised value -> target node id
    default: str | None = None

    def target(self, values: dict) -> str | None:
        return self.cases.get(normalised(values.get(self.field)), self.default)

    def as_json(self) -> dict:
        return {"field": self.field, "cases": dict(self.cases), "default": self.default}

    @classmethod
    def from_json(cls, data: dict | None) -> "SplitRule | None":
        if not data:
            return None
        return cls(data["field"], {normalised(k): v for k, v in data.get("cases", {}).items()},
                   data.get("default"))


@dataclass(frozen=True)
class Reorganisation:
    kind: str  # one of KINDS
    effective: date  # the first day under the new structure
    sources: tuple[str, ...]
    targets: tuple[str, ...] = ()  # rename and move: the source itself
    rule: SplitRule | None = None  # split only
    name: str | None = None  # rename: the new display name
    organisation: str | None = None  # move: the organisation it moves to
    label: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Placement:
    """Where an answer sits in one view: its node (None: an unknown name) and its label."""

    name: str
    node: str | None = None
    organisation: str | None = None

    @property
    def known(self) -> bool:
        return self.node is not None


@dataclass(frozen=True)
class Marker:
    """A change to show on charts: its day, kind and a label."""

    date: date
    kind: str
    label: str
    names: frozenset = field(default_factory=frozenset)  # every name it touches


class StructureError(ValueError):
    """A change or node that conflicts with the structure; `errors` maps each field to what is
    wrong (the API's 409)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


class UnknownReference(StructureError):
    """A node or organisation named that does not exist (the API's 404)."""


class Structure:
    """Every organisation, node, alias and change; answers placed as they were or are now."""

    def __init__(self, organisations=(), nodes=(), aliases: dict | None = None, changes=()):
        self.organisations = {o.id: o for o in organisations}
        self.changes = sorted(changes, key=lambda c: (c.effective, c.id or 0))
        self.nodes = renamed({n.id: n for n in nodes}, self.changes)
        self.aliases = {normalised(k): v for k, v in (aliases or {}).items()}
        self._by_name: dict[str, list[Node]] = {}
        for node in self.nodes.values():
            if node.kind != "directorate":
                continue
            for key in {normalised(n.name) for n in node.names}:
                self._by_name.setdefault(key, []).append(node)

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def resolve(self, name: str, day: date) -> Node | None:
        """The directorate a name meant on `day`: the node named so then, else an alias, else
        the node that last carried the name (a stale name still means its node)."""
        key = normalised(name)
        candidates = self._by_name.get(key, [])
        for node in candidates:
            if any(normalised(n.name) == key and n.covers(day) for n in node.names):
                return node
        if key in self.aliases and self.aliases[key] in self.nodes:
            return self.nodes[self.aliases[key]]
        if candidates:
            return max(candidates, key=lambda node: max(
                (n.valid_from or date.min) for n in node.names if normalised(n.name) == key))
        return None

    def organisation_at(self, node: Node, day: date) -> str:
        placed = node.organisation
        for change in self.changes:
            if change.kind == "move" and node.id in change.sources and change.effective <= day:
                placed = change.organisation
        return placed

    def as_was(self, name: str, day: date) -> Placement:
        """The node an answer of `day` was given under, named as it was on that day."""
        node = self.resolve(name, day)
        if node is None:
            return Placement(name)
        return Placement(node.name_at(day), node.id, self.organisation_at(node, day))

    def as_now(self, name: str, day: date, today: date, values: dict | None = None) -> Placement:
        """The node an answer of `day` belongs to in today's structure: every merge and split its
        node went through (in date order, up to today) applied; `values` feed split rules."""
        node = self.resolve(name, day)
        if node is None:
            return Placement(name)
        for change in self.changes:
            if change.effective > today:
                break
            if node.id not in change.sources:
                continue
            if change.kind == "merge":
                node = self.nodes[change.targets[0]]
            elif change.kind == "split":
                target = change.rule.target(values or {}) if change.rule else None
                if target is None:  # a value the rule never saw: kept on the old node
                    break
                node = self.nodes[target]
        return Placement(node.name_at(today), node.id, self.organisation_at(node, today))

    def markers(self, today: date) -> list[Marker]:
        """Every change up to today, labelled with the names it touches."""
        out = []
        for change in self.changes:
            if change.effective > today:
                continue
            before = [self._name(i, change.effective, before=True) for i in change.sources]
            after = [self._name(i, change.effective) for i in (change.targets or change.sources)]
            if change.kind == "move":
                org = self.organisations.get(change.organisation)
                after = [f"{after[0]} ({org.name if org else change.organisation})"]
            label = change.label or f"{change.kind}: {' + '.join(before)} -> {', '.join(after)}"
            out.append(Marker(change.effective, change.kind, label,
                              frozenset(before) | frozenset(a.split(" (")[0] for a in after)))
        return out

    def _name(self, node_id: str, day: date, before: bool = False) -> str:
        node = self.nodes.get(node_id)
        if node is None:
            return node_id
        return node.name_at(date.fromordinal(day.toordinal() - 1) if before else day)


def renamed(nodes: dict[str, Node], changes) -> dict[str, Node]:
    """Nodes with every rename applied to their dated names: the name in force is closed on the
    effective day and the new one starts there (a rename moves no figure, only the label)."""
    out = dict(nodes)
    for change in changes:
        if change.kind != "rename" or change.sources[0] not in out:
            continue
        node = out[change.sources[0]]
        names = [n if not n.covers(change.effective) or n.valid_from == change.effective
                 else Named(n.name, n.valid_from, change.effective)
                 for n in node.names if n.valid_from != change.effective]
        names.append(Named(change.name, change.effective, None))
        out[node.id] = Node(node.id, node.organisation, tuple(names), node.kind, node.parent)
    return out
