"""Alert emails are staged with the batch that raised the alert and sent by a relay.

Revision ID: 0920_alert_mail_outbox
Revises: 0910_sentiment_sq_sum
"""
from alembic import op

from analysis_svc.adapters.mail_outbox import columns

revision = "0920_alert_mail_outbox"
down_revision = "0910_sentiment_sq_sum"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("alert_mail_outbox", *columns())


def downgrade() -> None:
    op.drop_table("alert_mail_outbox")
