"""itsm_writebacks: the ticket's directorate (the write-back's events name it) and the watch for
the team's follow-up in the tool (followup_mark, checked_at, followed_up_at). Rows before it
have no directorate and no mark: nothing is watched for them.

Revision ID: 0006_itsm_followups
Revises: 0005_question_set
"""
from alembic import op

from survey_svc.adapters.orm import itsm_followup_columns

revision = "0006_itsm_followups"
down_revision = "0005_question_set"
branch_labels = None
depends_on = None

NAMES = ("directorate", "followup_mark", "checked_at", "followed_up_at")


def upgrade() -> None:
    with op.batch_alter_table("itsm_writebacks") as batch:
        for column in itsm_followup_columns():
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("itsm_writebacks") as batch:
        for name in reversed(NAMES):
            batch.drop_column(name)
