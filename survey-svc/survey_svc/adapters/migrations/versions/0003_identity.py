"""invitations.requester_key: the requester's address hash, so the throttle and exclusions count
one person by requester id or normalised email.

Rows written before it have none: they are still matched by requester id.

Revision ID: 0003_identity
Revises: 0002_privacy
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_identity"
down_revision = "0002_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("requester_key", sa.String(length=64), nullable=True))
    op.create_index("ix_invitations_requester_key", "invitations", ["requester_key", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_invitations_requester_key", table_name="invitations")
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("requester_key")
