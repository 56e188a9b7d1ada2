"""What an admin asks of the organisation structure (API, CLI)."""
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class AddOrganisation:
    name: str
    id: str | None = None


@dataclass(frozen=True)
class AddNode:
    organisation: str  # id
    name: str
    kind: str = "directorate"
    parent: str | None = None
    id: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordReorganisation:
    kind: str
    effective: date
    sources: tuple[str, ...]
    targets: tuple[str, ...] = ()
    rule: dict | None = None  # split: {"field", "cases": {value: node id}, "default"}
    name: str | None = None
    organisation: str | None = None
    label: str = ""


@dataclass(frozen=True)
class MapAlias:
    name: str
    node: str


@dataclass(frozen=True)
class ScanUnknownNames:
    """List the stored directorate names no node or alias resolves (and drop resolved ones)."""


@dataclass(frozen=True)
class ImportStructure:
    """Organisations (with directorates, services, aliases) and reorganisations, as parsed."""

    document: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MigrateDirectorates:
    """Every stored directorate name no node resolves becomes a node of this organisation."""

    organisation: str  # name


@dataclass(frozen=True)
class SetSharing:
    """Opt an organisation in (or out) of showing its named figures to peers (benchmarking)."""

    organisation: str  # id
    share_named: bool
