"""A mapping file: which parts of a service desk's payload make the resolved ticket.

    mapping = Mapping.load("servicenow")          # a shipped one by name, or a path to a .toml
    payload = mapping.apply(native_json)          # the `ticket.resolved` payload, or MappingError

The file is TOML; each field is a JMESPath expression or a table (README, "Mapping reference"):

    [source]    name, description, docs            (information only)
                root = "issue || @"                (where the ticket sits in the payload)
                resolved_when = "status == `5`"    (anything else is NotResolved: nothing to do)
    [identity]  keep_plus_tag = false              (whether a+tag@x is another person than a@x)
    [fields]    ticket_id = "number"
                resolved_at = { expr = "resolved_at", format = "%Y-%m-%d %H:%M:%S" }
                directorate = { expr = "assignment_group", lookup = "groups", default = "Other" }
    [lookups.groups]  "Service Desk" = "Resident Services"
"""
import tomllib
from dataclasses import dataclass
from pathlib import Path

import jmespath
from jmespath.exceptions import JMESPathError

from survey_svc.connectors import values
from survey_svc.connectors.values import ValueProblem
from survey_svc.domain.identity import identity_address

SHIPPED = Path(__file__).parent / "mappings"
# Each field the ticket can take, and the type its value is read as unless the file says.
FIELD_TYPES = {
    "ticket_id": "text", "resolution": "int", "resolved_at": "datetime",
    "requester_id": "text", "requester_email": "email", "requester_name": "text",
    "directorate": "text", "service": "text", "team": "text", "category": "text",
    "priority": "text", "channel": "text", "language": "text",
    "reopened": "bool", "auto_closed": "bool",
    # #17: the organisation id the ticket is for (a shared desk: a constant per source, or a
    # lookup); none: derived from the directorate (the branding file), if it can be.
    "organisation": "text",
    # The tool's own id of the ticket, where write-back needs another than ticket_id
    # (ServiceNow's sys_id beside the number); not part of the ticket itself.
    "ref": "text",
}
REQUIRED = ("ticket_id", "resolved_at", "directorate")
RULE_KEYS = {"expr", "value", "default", "lookup", "type", "format", "timezone", "add",
             "transform", "required"}
TYPES = ("text", "int", "bool", "datetime", "epoch", "email")
# A reopen whose resolution the payload does not say: cancels every pending one of the ticket.
ANY_RESOLUTION = 2**31 - 1
PLAIN = ("service", "team", "category", "priority", "channel", "language", "reopened",
         "auto_closed", "organisation")


class MappingError(ValueError):
    """A payload the mapping cannot make a ticket of: names the field and its expression."""

    def __init__(self, field: str, expression: str | None, problem: str):
        self.field, self.expression, self.problem = field, expression, problem
        where = f" (expression {expression!r})" if expression else ""
        super().__init__(f"{field}: {problem}{where}")


class NotResolved(ValueError):
    """The payload is not a resolution (the file's `resolved_when` is false): nothing to do."""


class MappingFileError(ValueError):
    """A mapping file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Rule:
    """How one field is found: an expression (or a constant), then default, lookup, type."""
    field: str
    expr: str | None
    compiled: object | None
    constant: object = None
    default: object = None
    lookup: dict | None = None
    type: str = "text"
    format: str = "iso"
    tz: object = None
    add: int = 0
    transform: tuple = ()
    required: bool = False

    def value(self, payload: dict):
        raw = self.compiled.search(payload) if self.compiled is not None else self.constant
        if raw is None or raw == "" or raw == []:
            raw = self.default
        if raw is not None and self.lookup is not None:
            raw = self._looked_up(raw)
        if raw is None:
            if self.required:
                raise MappingError(self.field, self.expr, "missing from the payload")
            return None
        try:
            return self._typed(raw)
        except ValueProblem as problem:
            raise MappingError(self.field, self.expr, str(problem)) from None

    def _looked_up(self, raw):
        """The table's entry, its "*" entry, the default; an unlisted required value is named."""
        key = str(raw)
        if key in self.lookup or "*" in self.lookup:
            return self.lookup.get(key, self.lookup.get("*"))
        if self.default is None and self.required:
            raise MappingError(self.field, self.expr, f"{raw!r} is not in its lookup table")
        return self.default

    def _typed(self, raw):
        if self.type == "datetime":
            return values.as_datetime(raw, self.format, self.tz).isoformat()
        if self.type == "epoch":
            return values.as_epoch(raw, self.format, self.tz) + self.add
        if self.type == "int":
            return values.as_int(raw) + self.add
        if self.type == "bool":
            return values.as_bool(raw)
        if self.type == "email":
            return values.as_email(raw)
        text = values.as_text(raw)
        for step in self.transform:
            text = values.TEXT_STEPS[step](text)
        return text or None


@dataclass(frozen=True)
class Mapping:
    name: str
    rules: dict[str, Rule]
    keep_plus_tag: bool = False
    description: str = ""
    resolved_when: object | None = None  # compiled JMESPath expressions, like the rules'
    root: object | None = None

    @classmethod
    def load(cls, path: str | Path) -> "Mapping":
        """A mapping file, or a shipped mapping by name ("servicenow", "jira", ...)."""
        path = Path(path)
        if not path.suffix and not path.exists():
            path = SHIPPED / f"{path.name}.toml"
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as err:
            raise MappingFileError(f"{path}: cannot read it ({err.strerror})") from None
        except tomllib.TOMLDecodeError as err:
            raise MappingFileError(f"{path}: not valid TOML ({err})") from None
        return cls.from_dict(data, origin=str(path))

    @classmethod
    def from_dict(cls, data: dict, origin: str = "mapping") -> "Mapping":
        source, identity = data.get("source", {}), data.get("identity", {})
        lookups, fields = data.get("lookups", {}), data.get("fields", {})
        unknown = set(fields) - set(FIELD_TYPES)
        if unknown:
            raise MappingFileError(f"{origin}: unknown field(s) {sorted(unknown)}; "
                                   f"known: {list(FIELD_TYPES)}")
        rules = {name: _rule(name, spec, lookups, origin) for name, spec in fields.items()}
        for name in REQUIRED:
            if name not in rules:
                raise MappingFileError(f"{origin}: fields.{name} is required")
        if "requester_id" not in rules and "requester_email" not in rules:
            raise MappingFileError(f"{origin}: fields.requester_id or requester_email is required")
        return cls(name=source.get("name") or Path(origin).stem, rules=rules,
                   keep_plus_tag=bool(identity.get("keep_plus_tag", False)),
                   description=source.get("description", ""),
                   resolved_when=_compiled(source, "resolved_when", origin),
                   root=_compiled(source, "root", origin))

    def apply(self, payload) -> dict:
        """The `ticket.resolved` payload (contracts.events.tickets) this one makes.

        A reopen gives {ticket_id, resolution, reopened: true}; a payload the file's
        `resolved_when` rejects raises NotResolved; a missing required field, MappingError."""
        if not isinstance(payload, dict):
            raise MappingError("payload", None, "expected a JSON object")
        if self.root is not None:
            payload = self.root.search(payload)
            if not isinstance(payload, dict):
                raise MappingError("payload", self.root.expression, "no ticket object at the root")
        # The ticket id first: a payload of some other shape is named, never "not resolved".
        self.rules["ticket_id"].value(payload)
        if "reopened" in self.rules and self.rules["reopened"].value(payload):
            return self._reopen(payload)
        if self.resolved_when is not None and not self.resolved_when.search(payload):
            raise NotResolved(f"not a resolution for {self.name} (resolved_when is false)")
        found = {name: rule.value(payload) for name, rule in self.rules.items()}
        email = found.get("requester_email")
        requester_id = found.get("requester_id") or identity_address(email, self.keep_plus_tag)
        if not requester_id:
            rule = self.rules.get("requester_id") or self.rules["requester_email"]
            raise MappingError("requester_id", rule.expr,
                               "missing from the payload, and no requester email to use instead")
        ticket = {"ticket_id": found["ticket_id"], "resolution": found.get("resolution") or 1,
                  "resolved_at": found["resolved_at"],
                  "requester": {"id": requester_id, "email": email,
                                "name": found.get("requester_name")},
                  "directorate": found["directorate"]}
        ticket.update((name, found[name]) for name in PLAIN if found.get(name) is not None)
        return ticket


    def ref(self, payload) -> str | None:
        """The `ref` field's value (the tool's id for write-back), or None without one."""
        if "ref" not in self.rules or not isinstance(payload, dict):
            return None
        if self.root is not None:
            payload = self.root.search(payload)
        return self.rules["ref"].value(payload) if isinstance(payload, dict) else None

    def _reopen(self, payload) -> dict:
        try:
            resolution = self.rules["resolution"].value(payload) if "resolution" in self.rules \
                else None
        except MappingError:  # a reopened ticket may have lost its resolution date
            resolution = None
        return {"ticket_id": self.rules["ticket_id"].value(payload),
                "resolution": resolution or ANY_RESOLUTION, "reopened": True}


def _compiled(source: dict, key: str, origin: str):
    if (expr := source.get(key)) is None:
        return None
    try:
        return jmespath.compile(expr)
    except JMESPathError as err:
        raise MappingFileError(f"{origin}: source.{key} {expr!r}: {err}") from None


def _rule(name: str, spec, lookups: dict, origin: str) -> Rule:
    where = f"{origin}: fields.{name}"
    if isinstance(spec, str):
        spec = {"expr": spec}
    if not isinstance(spec, dict):
        raise MappingFileError(f"{where}: expected an expression or a table")
    if unknown := set(spec) - RULE_KEYS:
        raise MappingFileError(f"{where}: unknown key(s) {sorted(unknown)}")
    if ("expr" in spec) == ("value" in spec):
        raise MappingFileError(f"{where}: give exactly one of expr or value")
    kind = spec.get("type", FIELD_TYPES[name])
    transform = spec.get("transform", ())
    transform = (transform,) if isinstance(transform, str) else tuple(transform)
    problems = [f"type {kind!r} is not one of {TYPES}" for _ in [0] if kind not in TYPES]
    problems += [f"transform {t!r} is not one of {list(values.TEXT_STEPS)}"
                 for t in transform if t not in values.TEXT_STEPS]
    lookup = None
    if "lookup" in spec:
        lookup = lookups.get(spec["lookup"])
        if not isinstance(lookup, dict):
            problems.append(f"no [lookups.{spec['lookup']}] table")
    try:
        compiled = jmespath.compile(spec["expr"]) if "expr" in spec else None
        tz = values.zone(spec.get("timezone", "UTC"))
    except (JMESPathError, ValueProblem) as err:
        problems.append(f"{spec.get('expr')!r}: {err}".replace("\n", " "))
        compiled = tz = None
    if problems:
        raise MappingFileError(f"{where}: " + "; ".join(problems))
    return Rule(field=name, expr=spec.get("expr"), compiled=compiled, constant=spec.get("value"),
                default=spec.get("default"), lookup=lookup, type=kind,
                format=spec.get("format", "iso"), tz=tz, add=int(spec.get("add", 0)),
                transform=transform, required=spec.get("required", name in REQUIRED))
