"""Table definitions: the latest version of each response, invitations, rollups, tokens, inbox."""
from sqlalchemy import (JSON, Boolean, Column, Date, Float, Index, Integer, MetaData,
                        String, Table, Text, UniqueConstraint)

from chassis.db import UtcDateTime
from chassis.inbox import inbox_table
from chassis.privacy.tables import privacy_tables

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
})

# Cohort columns hold "" rather than NULL so they can sit in unique keys on both databases.
COHORT = ("directorate", "service", "team")


def _cohort() -> list[Column]:
    return [Column("directorate", String(100), nullable=False),
            Column("service", String(100), nullable=False, default=""),
            Column("team", String(100), nullable=False, default="")]


responses = Table(
    "responses", metadata,
    Column("response_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("invitation_id", String(64), index=True),
    Column("ticket_id", String(100)),
    *_cohort(),
    Column("category", String(100)),
    Column("channel", String(50), nullable=False),
    Column("source", String(100)),
    Column("language", String(10)),
    Column("score", Integer, nullable=False),
    Column("resolved", String(10)),
    Column("redacted_comment", Text),
    Column("label", String(10), nullable=False),
    Column("compound", Float, nullable=False),
    Column("themes", JSON, nullable=False, default=list),
    Column("disagreement", Boolean, nullable=False, default=False),
    Column("submitted_at", UtcDateTime(), nullable=False),
    Column("week", String(10), nullable=False),
    Column("month", String(10), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("subject", String(64)),  # address hash of who answered, when known (erasure)
    # The question set's answers (contracts.questions), as given; nps and ces pulled out.
    Column("question_set", String(60)),
    Column("answers", JSON),
    Column("nps", Integer),
    Column("ces", Integer),
    Index("ix_responses_scope_time", "directorate", "submitted_at", "response_id"),
    Index("ix_responses_time", "submitted_at", "response_id"),
)

# The only place a requester's name is kept: analysis needs it to redact comments.
invitations = Table(
    "invitations", metadata,
    Column("invitation_id", String(64), primary_key=True),
    Column("ticket_id", String(100)),
    *_cohort(),
    Column("category", String(100)),
    Column("requester_name", String(200)),
    Column("created_at", UtcDateTime()),
    Column("sent_at", UtcDateTime()),
    Column("status", String(20), nullable=False, default="created"),
)


def _period() -> list[Column]:
    return [Column("period_kind", String(5), nullable=False),  # "week" | "month"
            Column("period", String(10), nullable=False),  # "2026-W47" | "2026-11"
            Column("period_start", Date, nullable=False)]


rollups = Table(
    "rollups", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *_cohort(), *_period(),
    Column("responses", Integer, nullable=False, default=0),
    Column("invited_responses", Integer, nullable=False, default=0),
    Column("invitations", Integer, nullable=False, default=0),
    Column("satisfied", Integer, nullable=False, default=0),
    Column("detractors", Integer, nullable=False, default=0),
    Column("score_sum", Integer, nullable=False, default=0),
    Column("sentiment_sum", Float, nullable=False, default=0.0),
    Column("sentiment_sq_sum", Float, nullable=False, default=0.0),
    Column("commented", Integer, nullable=False, default=0),
    *[Column(name, Integer, nullable=False, default=0, server_default="0") for name in (
        "nps_responses", "nps_promoters", "nps_detractors", "ces_responses", "ces_sum",
        "ces_sq_sum")],
    UniqueConstraint("directorate", "service", "team", "period_kind", "period",
                     name="uq_rollups_cell"),
    Index("ix_rollups_kind_start", "period_kind", "period_start", "directorate"),
)

rollup_themes = Table(
    "rollup_themes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *_cohort(), *_period(),
    Column("theme", String(64), nullable=False),
    Column("count", Integer, nullable=False, default=0),
    UniqueConstraint("directorate", "service", "team", "period_kind", "period", "theme",
                     name="uq_rollup_themes_cell"),
    Index("ix_rollup_themes_kind_start", "period_kind", "period_start", "directorate"),
)

partner_tokens = Table(
    "partner_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("directorates", JSON, nullable=False),
    Column("organisations", JSON),  # organisation ids (#17); NULL: directorates only
    Column("label", String(200)),
    Column("email", String(320)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime()),
)

inbox_table(metadata)
privacy = privacy_tables(metadata)

raised_alerts = Table(
    "raised_alerts", metadata,
    Column("alert_id", String(64), primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("directorate", String(100), nullable=False),
    Column("raised_at", UtcDateTime(), nullable=False),
)
