"""Responses keep their question set's answers; rollups count NPS and CES beside CSAT.

responses: question_set ("<name>@<version>"), answers (JSON list of {question_id, value}: the
scale and choice answers, as given, so answers to old versions stay readable), nps (0-10) and
ces (1-7) pulled out for the rollups. rollups: nps_responses, nps_promoters (9-10),
nps_detractors (0-6), ces_responses, ces_sum, ces_sq_sum. Rows before it have none: zeros.

Revision ID: 0960_question_answers
Revises: 0950_alert_channels
"""
import sqlalchemy as sa
from alembic import op

revision = "0960_question_answers"
down_revision = "0950_alert_channels"
branch_labels = None
depends_on = None

COUNTERS = ("nps_responses", "nps_promoters", "nps_detractors", "ces_responses", "ces_sum",
            "ces_sq_sum")


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("question_set", sa.String(60)))
        batch.add_column(sa.Column("answers", sa.JSON))
        batch.add_column(sa.Column("nps", sa.Integer))
        batch.add_column(sa.Column("ces", sa.Integer))
    with op.batch_alter_table("rollups") as batch:
        for name in COUNTERS:
            batch.add_column(sa.Column(name, sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("rollups") as batch:
        for name in COUNTERS:
            batch.drop_column(name)
    with op.batch_alter_table("responses") as batch:
        for name in ("ces", "nps", "answers", "question_set"):
            batch.drop_column(name)
