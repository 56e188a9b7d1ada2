"""Invitations keep the organisation survey-svc named (#17), so every answer carries it.

Revision ID: 0006_invitation_organisation
Revises: 0005_question_set
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_invitation_organisation"
down_revision = "0005_question_set"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("organisation", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("organisation")
