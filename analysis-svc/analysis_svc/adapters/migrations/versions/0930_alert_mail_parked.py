"""An alert email that cannot be built or is refused for good is parked with its reason.

Revision ID: 0930_alert_mail_parked
Revises: 0920_alert_mail_outbox
"""
from alembic import op

from analysis_svc.adapters.mail_outbox import parked_columns

revision = "0930_alert_mail_parked"
down_revision = "0920_alert_mail_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in parked_columns():
        op.add_column("alert_mail_outbox", column)


def downgrade() -> None:
    with op.batch_alter_table("alert_mail_outbox") as batch:
        for column in parked_columns():
            batch.drop_column(column.name)
