"""The ticket trail: per answer, what became of it in the service desk ticket (survey-svc's
write-back) and the team's latest follow-up there. Rebuilt from surveys.lifecycle."""
from sqlalchemy import Boolean, Column, Index, Integer, String, Table

from chassis.db import UtcDateTime

from analysis_svc.adapters.orm import metadata


def ticket_trail_columns() -> list:
    return [Column("response_id", String(64), primary_key=True),
            Column("version", Integer, nullable=False),
            Column("directorate", String(100), nullable=False),
            Column("ticket_id", String(100), nullable=False),
            Column("tool", String(50), nullable=False),
            Column("connector", String(50), nullable=False),
            Column("ref", String(200), nullable=False),
            Column("link", String(1000)),
            Column("status", String(20), nullable=False),  # delivered | retrying | parked
            Column("status_at", UtcDateTime(), nullable=False),
            Column("reason", String(300)),
            Column("attempts", Integer, nullable=False, default=0),
            Column("reopened", Boolean, nullable=False, default=False),
            Column("next_attempt_at", UtcDateTime()),
            Column("followed_up_at", UtcDateTime()),
            Column("follow_up", String(200)),
            Index("ix_ticket_trail_scope_status", "directorate", "status")]


ticket_trail = Table("ticket_trail", metadata, *ticket_trail_columns())
