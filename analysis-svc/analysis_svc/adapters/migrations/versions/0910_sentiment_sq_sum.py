"""Rollups keep the sum of squared sentiment, for a confidence interval of the mean.

Revision ID: 0910_sentiment_sq_sum
Revises: 0900_followups
"""
import sqlalchemy as sa
from alembic import op

revision = "0910_sentiment_sq_sum"
down_revision = "0900_followups"
branch_labels = None
depends_on = None

# Existing cells are filled from the stored responses (the rollups' own definition of a
# commented response: a non-empty redacted comment), so no replay is needed.
BACKFILL = """
UPDATE rollups SET sentiment_sq_sum = COALESCE((
    SELECT SUM(r.compound * r.compound) FROM responses r
    WHERE r.directorate = rollups.directorate AND r.service = rollups.service
      AND r.team = rollups.team AND r.redacted_comment IS NOT NULL AND r.redacted_comment <> ''
      AND ((rollups.period_kind = 'week' AND r.week = rollups.period)
           OR (rollups.period_kind = 'month' AND r.month = rollups.period))), 0)
"""


def upgrade() -> None:
    op.add_column("rollups", sa.Column("sentiment_sq_sum", sa.Float, nullable=False,
                                       server_default="0"))
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("rollups") as batch:
        batch.drop_column("sentiment_sq_sum")
