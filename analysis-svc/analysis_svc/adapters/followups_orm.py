"""The follow-ups table: one row per detractor response a partner has followed up."""
from sqlalchemy import Column, DateTime, Index, String, Table, Text

from analysis_svc.adapters.orm import metadata

followups = Table(
    "followups", metadata,
    Column("response_id", String(64), primary_key=True),
    Column("directorate", String(100), nullable=False),
    Column("note", Text, nullable=False),
    Column("followed_up_by", String(200), nullable=False),
    Column("detractor_at", DateTime(timezone=True), nullable=False),
    Column("followed_up_at", DateTime(timezone=True), nullable=False),
    Index("ix_followups_scope_time", "directorate", "detractor_at"),
)
