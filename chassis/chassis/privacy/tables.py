"""Tables every service keeps for the personal-data lifecycle (each in its own database).

access_audit: who read personal data (what, with which filter, how many rows, when).
retention_runs: every retention run, dry or not, with what it removed per data class.
erasures: each erasure request this service acted on (idempotency; `completed_at` once done).
erased_refs: invitation ids and subject hashes already erased, so a replayed event is
    anonymised on arrival instead of bringing the person back.
"""
import sqlalchemy as sa

from chassis.db import UtcDateTime


def _access_audit():
    return [sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("at", UtcDateTime(), nullable=False),
            sa.Column("actor", sa.String(200), nullable=False),
            sa.Column("action", sa.String(100), nullable=False),
            sa.Column("target", sa.String(200)),
            sa.Column("filters", sa.JSON, nullable=False, default=dict),
            sa.Column("rows", sa.Integer, nullable=False, default=0)]


def _retention_runs():
    return [sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("started_at", UtcDateTime(), nullable=False),
            sa.Column("finished_at", UtcDateTime()),
            sa.Column("dry_run", sa.Boolean, nullable=False, default=False),
            sa.Column("trigger", sa.String(20), nullable=False),  # "worker" | "cli"
            sa.Column("cutoffs", sa.JSON, nullable=False, default=dict),
            sa.Column("counts", sa.JSON, nullable=False, default=dict)]


def _erasures():
    return [sa.Column("request_id", sa.String(64), primary_key=True),
            sa.Column("subjects", sa.JSON, nullable=False, default=list),
            sa.Column("invitation_ids", sa.JSON, nullable=False, default=list),
            sa.Column("received_at", UtcDateTime(), nullable=False),
            sa.Column("completed_at", UtcDateTime()),
            sa.Column("counts", sa.JSON, nullable=False, default=dict)]


def _erased_refs():
    return [sa.Column("ref", sa.String(64), primary_key=True),
            sa.Column("kind", sa.String(20), nullable=False),  # "invitation" | "subject"
            sa.Column("request_id", sa.String(64), nullable=False),
            sa.Column("erased_at", UtcDateTime(), nullable=False)]


_INDEXES = [("ix_access_audit_at", "access_audit", "at"),
            ("ix_retention_runs_started_at", "retention_runs", "started_at")]
_TABLES = {"access_audit": _access_audit, "retention_runs": _retention_runs,
           "erasures": _erasures, "erased_refs": _erased_refs}


def privacy_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    """Declare the four tables on a service's metadata; returns them by name."""
    tables = {name: sa.Table(name, metadata, *columns()) for name, columns in _TABLES.items()}
    for name, table, column in _INDEXES:
        sa.Index(name, tables[table].c[column])
    return tables


def create_in_migration(op) -> None:
    for name, columns in _TABLES.items():
        op.create_table(name, *columns())
    for name, table, column in _INDEXES:
        op.create_index(name, table, [column])


def drop_in_migration(op) -> None:
    for name in reversed(_TABLES):
        op.drop_table(name)
