"""event_outbox.headers: the writing request's id and trace context, which the relay sends with
the event so the webhook's trace goes on through Kafka. Rows before it have none.

Revision ID: 0007_outbox_headers
Revises: 0006_itsm_followups
"""
from alembic import op

from chassis import outbox

revision = "0007_outbox_headers"
down_revision = "0006_itsm_followups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    outbox.add_headers_in_migration(op)


def downgrade() -> None:
    outbox.drop_headers_in_migration(op)
