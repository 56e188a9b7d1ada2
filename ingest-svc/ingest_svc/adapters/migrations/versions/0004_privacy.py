"""The personal-data lifecycle: access audit, retention runs, erasures (chassis.privacy), and the
subject (address hash) of an answer that came without an invitation.

Revision ID: 0004_privacy
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from chassis.privacy import tables

revision = "0004_privacy"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables.create_in_migration(op)
    op.add_column("responses", sa.Column("subject", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("subject")
    tables.drop_in_migration(op)
