"""invitations.question_set: the question set ("<name>@<version>") an invitation was sent with.

Rows written before it have none: they were sent with the default questions.

Revision ID: 0005_question_set
Revises: 0004_connectors
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_question_set"
down_revision = "0004_connectors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("question_set", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("question_set")
