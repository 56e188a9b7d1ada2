"""Tables of the organisation structure (issue #17): kept through `rebuild --reset`."""
from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, String, Table, false

from chassis.db import UtcDateTime

from analysis_svc.adapters.orm import metadata


def organisation_columns() -> list:
    return [Column("id", String(64), primary_key=True),
            Column("name", String(100), nullable=False, unique=True),
            # opted in to show its named figures to peers in the benchmarking view
            Column("share_named", Boolean, nullable=False, default=False,
                    server_default=false())]


def node_columns() -> list:
    return [Column("id", String(64), primary_key=True),
            Column("organisation_id", String(64), nullable=False),
            Column("kind", String(20), nullable=False),  # directorate | service
            Column("parent_id", String(64))]


def name_columns() -> list:
    return [Column("id", Integer, primary_key=True, autoincrement=True),
            Column("node_id", String(64), nullable=False),
            Column("name", String(100), nullable=False),
            Column("valid_from", Date),  # inclusive; NULL: always
            Column("valid_to", Date)]  # exclusive; NULL: still


def alias_columns() -> list:
    return [Column("alias", String(100), primary_key=True),  # normalised
            Column("given", String(100), nullable=False),
            Column("node_id", String(64), nullable=False)]


def reorganisation_columns() -> list:
    return [Column("id", Integer, primary_key=True, autoincrement=True),
            Column("kind", String(10), nullable=False),
            Column("effective", Date, nullable=False),
            Column("sources", JSON, nullable=False),
            Column("targets", JSON, nullable=False),
            Column("rule", JSON),  # split: {"field", "cases": {value: node}, "default"}
            Column("name", String(100)),  # rename
            Column("organisation_id", String(64)),  # move
            Column("label", String(200), nullable=False, default=""),
            Column("recorded_at", UtcDateTime(), nullable=False)]


def unknown_name_columns() -> list:
    return [Column("name", String(100), primary_key=True),
            Column("first_seen", Date, nullable=False),
            Column("last_seen", Date, nullable=False),
            Column("responses", Integer, nullable=False, default=0)]


organisations = Table("organisations", metadata, *organisation_columns())
structure_nodes = Table("structure_nodes", metadata, *node_columns())
structure_names = Table("structure_names", metadata, *name_columns())
structure_aliases = Table("structure_aliases", metadata, *alias_columns())
reorganisations = Table("reorganisations", metadata, *reorganisation_columns(),
                        Index("ix_reorganisations_effective", "effective"))
unknown_names = Table("structure_unknown_names", metadata, *unknown_name_columns())
