"""Follow-ups of detractor responses (the dashboard's closed loop).

Revision ID: 0900_followups
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from chassis.db import UtcDateTime

revision = "0900_followups"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followups",
        sa.Column("response_id", sa.String(64), nullable=False),
        sa.Column("directorate", sa.String(100), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("followed_up_by", sa.String(200), nullable=False),
        sa.Column("detractor_at", UtcDateTime(), nullable=False),
        sa.Column("followed_up_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("response_id", name="pk_followups"),
    )
    op.create_index("ix_followups_scope_time", "followups", ["directorate", "detractor_at"])


def downgrade() -> None:
    op.drop_index("ix_followups_scope_time", table_name="followups")
    op.drop_table("followups")
