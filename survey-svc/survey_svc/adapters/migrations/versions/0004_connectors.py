"""The pull connectors' checkpoints, the tool each pulled ticket came from, and the outbox of
notes owed to tickets (one per answer version).

Revision ID: 0004_connectors
Revises: 0003_identity
"""
from alembic import op

from survey_svc.adapters.orm import (connector_state_columns, itsm_writeback_columns,
                                     ticket_ref_columns)

revision = "0004_connectors"
down_revision = "0003_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("connector_state", *connector_state_columns())
    op.create_table("ticket_refs", *ticket_ref_columns())
    op.create_table("itsm_writebacks", *itsm_writeback_columns())


def downgrade() -> None:
    op.drop_table("itsm_writebacks")
    op.drop_table("ticket_refs")
    op.drop_table("connector_state")
