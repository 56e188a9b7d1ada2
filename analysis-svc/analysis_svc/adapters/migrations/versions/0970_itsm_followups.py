"""ticket_trail: per answer, survey-svc's write-back to the service desk ticket (delivered,
retrying, parked and why) and the team's latest follow-up in the tool.

Revision ID: 0970_itsm_followups
Revises: 0960_question_answers
"""
from alembic import op

from analysis_svc.adapters.ticket_trail_orm import ticket_trail_columns

revision = "0970_itsm_followups"
down_revision = "0960_question_answers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = ticket_trail_columns()
    index = columns.pop()
    op.create_table("ticket_trail", *columns)
    op.create_index(index.name, "ticket_trail", ["directorate", "status"])


def downgrade() -> None:
    op.drop_index("ix_ticket_trail_scope_status", "ticket_trail")
    op.drop_table("ticket_trail")
