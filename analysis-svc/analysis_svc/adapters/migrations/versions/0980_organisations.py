"""Organisations, their dated structure, aliases, reorganisations and unknown names (#17).

Revision ID: 0980_organisations
Revises: 0970_itsm_followups
"""
from alembic import op

from analysis_svc.adapters.structure_orm import (alias_columns, name_columns, node_columns,
                                                 organisation_columns, reorganisation_columns,
                                                 unknown_name_columns)

revision = "0980_organisations"
down_revision = "0970_itsm_followups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("organisations", *organisation_columns()[:2])  # share_named: 0990
    op.create_table("structure_nodes", *node_columns())
    op.create_table("structure_names", *name_columns())
    op.create_table("structure_aliases", *alias_columns())
    op.create_table("reorganisations", *reorganisation_columns())
    op.create_index("ix_reorganisations_effective", "reorganisations", ["effective"])
    op.create_table("structure_unknown_names", *unknown_name_columns())


def downgrade() -> None:
    op.drop_table("structure_unknown_names")
    op.drop_index("ix_reorganisations_effective", "reorganisations")
    for table in ("reorganisations", "structure_aliases", "structure_names", "structure_nodes",
                  "organisations"):
        op.drop_table(table)
