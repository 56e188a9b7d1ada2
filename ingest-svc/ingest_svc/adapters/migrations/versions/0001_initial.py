"""Initial tables: invitations, responses, idempotency keys, provisional ratings, replies, inbox."""
import sqlalchemy as sa
from alembic import op

from chassis import inbox
from chassis.db import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = UtcDateTime()


def _cohort():
    return [sa.Column("directorate", sa.String(100), nullable=False),
            sa.Column("service", sa.String(100)), sa.Column("category", sa.String(100)),
            sa.Column("team", sa.String(100)), sa.Column("channel", sa.String(50)),
            sa.Column("language", sa.String(10))]


def upgrade() -> None:
    op.create_table("invitations", sa.Column("invitation_id", sa.String(64), primary_key=True),
                    sa.Column("ticket_id", sa.String(100)), *_cohort(),
                    sa.Column("expires_at", TS))
    op.create_table("responses", sa.Column("response_id", sa.String(64), primary_key=True),
                    sa.Column("invitation_id", sa.String(64), unique=True),
                    sa.Column("version", sa.Integer, nullable=False),
                    sa.Column("score", sa.Integer, nullable=False),
                    sa.Column("resolved", sa.String(10)), sa.Column("comment", sa.Text),
                    sa.Column("channel", sa.String(50), nullable=False),
                    sa.Column("source", sa.String(100), nullable=False),
                    sa.Column("updated_at", TS, nullable=False))
    op.create_table("idempotency_keys", sa.Column("scope", sa.String(100), primary_key=True),
                    sa.Column("key", sa.String(200), primary_key=True),
                    sa.Column("fingerprint", sa.String(64), nullable=False),
                    sa.Column("response_id", sa.String(64), nullable=False),
                    sa.Column("version", sa.Integer, nullable=False),
                    sa.Column("envelope", sa.Text, nullable=False),
                    sa.Column("created_at", TS, nullable=False))
    op.create_table("provisional_ratings",
                    sa.Column("invitation_id", sa.String(64), primary_key=True),
                    sa.Column("score", sa.Integer, nullable=False),
                    sa.Column("ticket_id", sa.String(100)), *_cohort(),
                    sa.Column("recorded_at", TS, nullable=False), sa.Column("settled_at", TS))
    op.create_table("unmatched_replies",
                    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("invitation_id", sa.String(64)),
                    sa.Column("reason", sa.String(200), nullable=False),
                    sa.Column("via", sa.String(50), nullable=False),
                    sa.Column("raw", sa.LargeBinary, nullable=False),
                    sa.Column("received_at", TS, nullable=False))
    inbox.create_in_migration(op)


def downgrade() -> None:
    for table in ("event_inbox", "unmatched_replies", "provisional_ratings", "idempotency_keys",
                  "responses", "invitations"):
        op.drop_table(table)
