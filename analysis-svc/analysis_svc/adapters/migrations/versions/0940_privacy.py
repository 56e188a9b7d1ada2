"""The personal-data lifecycle: access audit, retention runs, erasures (chassis.privacy), and the
subject (address hash) of an answer, so an erasure finds answers that came without an invitation.

Revision ID: 0940_privacy
Revises: 0930_alert_mail_parked
"""
import sqlalchemy as sa
from alembic import op

from chassis.privacy import tables

revision = "0940_privacy"
down_revision = "0930_alert_mail_parked"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables.create_in_migration(op)
    op.add_column("responses", sa.Column("subject", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("subject")
    tables.drop_in_migration(op)
