"""The personal-data lifecycle: access audit, retention runs, erasures (chassis.privacy) and the
erasure requests survey-svc takes and tracks across the three services.

Revision ID: 0002_privacy
Revises: 0001
"""
from alembic import op

from chassis.privacy import tables
from survey_svc.adapters.orm import erasure_progress_columns, erasure_request_columns

revision = "0002_privacy"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables.create_in_migration(op)
    op.create_table("erasure_requests", *erasure_request_columns())
    op.create_table("erasure_progress", *erasure_progress_columns())


def downgrade() -> None:
    op.drop_table("erasure_progress")
    op.drop_table("erasure_requests")
    tables.drop_in_migration(op)
