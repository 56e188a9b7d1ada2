"""Responses, invitations, rollups, partner tokens, inbox, raised alerts.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from chassis import inbox
from chassis.db import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _cohort():
    return [sa.Column("directorate", sa.String(100), nullable=False),
            sa.Column("service", sa.String(100), nullable=False),
            sa.Column("team", sa.String(100), nullable=False)]


def _period():
    return [sa.Column("period_kind", sa.String(5), nullable=False),
            sa.Column("period", sa.String(10), nullable=False),
            sa.Column("period_start", sa.Date, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "responses",
        sa.Column("response_id", sa.String(64), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("invitation_id", sa.String(64)),
        sa.Column("ticket_id", sa.String(100)),
        *_cohort(),
        sa.Column("category", sa.String(100)),
        sa.Column("channel", sa.String(50), nullable=False),
        sa.Column("source", sa.String(100)),
        sa.Column("language", sa.String(10)),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("resolved", sa.String(10)),
        sa.Column("redacted_comment", sa.Text),
        sa.Column("label", sa.String(10), nullable=False),
        sa.Column("compound", sa.Float, nullable=False),
        sa.Column("themes", sa.JSON, nullable=False),
        sa.Column("disagreement", sa.Boolean, nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("month", sa.String(10), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("response_id", name="pk_responses"),
    )
    op.create_index("ix_responses_invitation_id", "responses", ["invitation_id"])
    op.create_index("ix_responses_scope_time", "responses",
                    ["directorate", "submitted_at", "response_id"])
    op.create_index("ix_responses_time", "responses", ["submitted_at", "response_id"])
    op.create_table(
        "invitations",
        sa.Column("invitation_id", sa.String(64), nullable=False),
        sa.Column("ticket_id", sa.String(100)),
        *_cohort(),
        sa.Column("category", sa.String(100)),
        sa.Column("requester_name", sa.String(200)),
        sa.Column("created_at", UtcDateTime()),
        sa.Column("sent_at", UtcDateTime()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("invitation_id", name="pk_invitations"),
    )
    op.create_table(
        "rollups",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        *_cohort(), *_period(),
        *[sa.Column(name, sa.Integer, nullable=False) for name in (
            "responses", "invited_responses", "invitations", "satisfied", "detractors",
            "score_sum")],
        sa.Column("sentiment_sum", sa.Float, nullable=False),
        sa.Column("commented", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rollups"),
        sa.UniqueConstraint("directorate", "service", "team", "period_kind", "period",
                            name="uq_rollups_cell"),
    )
    op.create_index("ix_rollups_kind_start", "rollups",
                    ["period_kind", "period_start", "directorate"])
    op.create_table(
        "rollup_themes",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        *_cohort(), *_period(),
        sa.Column("theme", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rollup_themes"),
        sa.UniqueConstraint("directorate", "service", "team", "period_kind", "period", "theme",
                            name="uq_rollup_themes_cell"),
    )
    op.create_index("ix_rollup_themes_kind_start", "rollup_themes",
                    ["period_kind", "period_start", "directorate"])
    op.create_table(
        "partner_tokens",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("directorates", sa.JSON, nullable=False),
        sa.Column("label", sa.String(200)),
        sa.Column("email", sa.String(320)),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_partner_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_partner_tokens_token_hash"),
    )
    inbox.create_in_migration(op)
    op.create_table(
        "raised_alerts",
        sa.Column("alert_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("directorate", sa.String(100), nullable=False),
        sa.Column("raised_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("alert_id", name="pk_raised_alerts"),
    )


def downgrade() -> None:
    for table in ("raised_alerts", "event_inbox", "partner_tokens", "rollup_themes",
                  "rollups", "invitations", "responses"):
        op.drop_table(table)
