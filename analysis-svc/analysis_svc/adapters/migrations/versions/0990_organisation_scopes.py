"""Tokens scoped to organisations, and organisations' opt-in to named benchmarking (#17).

Revision ID: 0990_organisation_scopes
Revises: 0980_organisations
"""
import sqlalchemy as sa
from alembic import op

revision = "0990_organisation_scopes"
down_revision = "0980_organisations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("partner_tokens") as batch:
        batch.add_column(sa.Column("organisations", sa.JSON()))
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("share_named", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("share_named")
    with op.batch_alter_table("partner_tokens") as batch:
        batch.drop_column("organisations")
