"""The key vault: privacy_keys.

Revision ID: 0001_vault_keys
Revises:
"""
from alembic import op

from chassis.privacy.vault_tables import key_columns

revision = "0001_vault_keys"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("privacy_keys", *key_columns())
    op.create_index("ix_privacy_keys_month", "privacy_keys", ["month"])


def downgrade() -> None:
    op.drop_table("privacy_keys")
