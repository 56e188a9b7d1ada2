"""The follow-ups table: one row per detractor response a partner has followed up."""
from sqlalchemy import Column, Index, String, Table, Text

from chassis.db import UtcDateTime

from analysis_svc.adapters.orm import metadata

followups = Table(
    "followups", metadata,
    Column("response_id", String(64), primary_key=True),
    Column("directorate", String(100), nullable=False),
    Column("note", Text, nullable=False),
    Column("followed_up_by", String(200), nullable=False),
    Column("detractor_at", UtcDateTime(), nullable=False),
    Column("followed_up_at", UtcDateTime(), nullable=False),
    Index("ix_followups_scope_time", "directorate", "detractor_at"),
)
