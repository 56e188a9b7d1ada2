"""Invitations keep the keyed hash of the invited address: a reply from anyone else is reviewed."""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("invitee", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("invitee")
