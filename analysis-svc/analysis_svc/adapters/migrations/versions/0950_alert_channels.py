"""Alerts to Teams/Slack webhooks through their own outbox; the scheduled board report's runs.

Revision ID: 0950_alert_channels
Revises: 0940_privacy
"""
from alembic import op

from analysis_svc.adapters.report_runs import columns as run_columns
from analysis_svc.adapters.webhook_outbox import columns as webhook_columns

revision = "0950_alert_channels"
down_revision = "0940_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("alert_webhook_outbox", *webhook_columns())
    op.create_table("report_runs", *run_columns())


def downgrade() -> None:
    op.drop_table("report_runs")
    op.drop_table("alert_webhook_outbox")
