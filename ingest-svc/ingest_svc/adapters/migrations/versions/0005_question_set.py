"""Invitations keep the question set they were sent with ("<name>@<version>", contracts.questions).

Revision ID: 0005_question_set
Revises: 0004_privacy
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_question_set"
down_revision = "0004_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("question_set", sa.String(60)))


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("question_set")
