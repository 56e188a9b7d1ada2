"""The key vault's one table: a wrapped AES-256 data key per (subject, month)."""
import sqlalchemy as sa

from chassis.db import UtcDateTime

VERSION_TABLE = "privacy_vault_version"
metadata = sa.MetaData()


def key_columns() -> list:
    return [sa.Column("key_id", sa.String(24), primary_key=True),  # random: tokens name it
            sa.Column("subject", sa.String(64), nullable=False),
            sa.Column("month", sa.String(7), nullable=False),  # "2026-03"
            sa.Column("wrapped", sa.LargeBinary, nullable=False),  # nonce | key | tag
            sa.Column("kek", sa.String(16), nullable=False),  # which master key wrapped it
            sa.Column("created_at", UtcDateTime(), nullable=False),
            sa.UniqueConstraint("subject", "month", name="uq_privacy_keys_subject_month")]


keys = sa.Table("privacy_keys", metadata, *key_columns())
sa.Index("ix_privacy_keys_month", keys.c.month)
