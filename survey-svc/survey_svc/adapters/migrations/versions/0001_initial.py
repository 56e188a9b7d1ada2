"""invitations, decisions, opt-outs, policies, inbox, outbox"""
import sqlalchemy as sa
from alembic import op

from chassis import inbox, outbox
from chassis.db import UtcDateTime

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('decisions',
    sa.Column('ticket_id', sa.String(length=100), nullable=False),
    sa.Column('resolution', sa.Integer(), nullable=False),
    sa.Column('surveyed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=50), nullable=True),
    sa.Column('decided_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('ticket_id', 'resolution')
    )
    outbox.create_in_migration(op)
    inbox.create_in_migration(op)
    op.create_table('invitations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('ticket_id', sa.String(length=100), nullable=False),
    sa.Column('resolution', sa.Integer(), nullable=False),
    sa.Column('resolved_at', UtcDateTime(), nullable=False),
    sa.Column('requester_id', sa.String(length=200), nullable=False),
    sa.Column('requester_email', sa.String(length=320), nullable=True),
    sa.Column('requester_name', sa.String(length=200), nullable=True),
    sa.Column('directorate', sa.String(length=100), nullable=False),
    sa.Column('service', sa.String(length=100), nullable=True),
    sa.Column('category', sa.String(length=100), nullable=True),
    sa.Column('team', sa.String(length=100), nullable=True),
    sa.Column('priority', sa.String(length=50), nullable=True),
    sa.Column('channel', sa.String(length=50), nullable=True),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('auto_closed', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('due_at', UtcDateTime(), nullable=False),
    sa.Column('expires_at', UtcDateTime(), nullable=False),
    sa.Column('reminder_days', sa.Integer(), nullable=False),
    sa.Column('sent_at', UtcDateTime(), nullable=True),
    sa.Column('remind_at', UtcDateTime(), nullable=True),
    sa.Column('reminded_at', UtcDateTime(), nullable=True),
    sa.Column('answered_at', UtcDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_id', 'resolution', name='uq_invitation_ticket_resolution')
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index('ix_invitations_directorate', ['directorate', 'created_at'], unique=False)
        batch_op.create_index('ix_invitations_requester', ['requester_id', 'due_at'], unique=False)
        batch_op.create_index('ix_invitations_status_due', ['status', 'due_at'], unique=False)

    op.create_table('opt_outs',
    sa.Column('requester_id', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('opted_out_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('requester_id')
    )
    op.create_table('policies',
    sa.Column('directorate', sa.String(length=100), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('directorate')
    )
    op.create_table('policy_audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('directorate', sa.String(length=100), nullable=False),
    sa.Column('changed_at', UtcDateTime(), nullable=False),
    sa.Column('changed_by', sa.String(length=100), nullable=False),
    sa.Column('old', sa.JSON(), nullable=True),
    sa.Column('new', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('policy_audit')
    op.drop_table('policies')
    op.drop_table('opt_outs')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_invitations_status_due')
        batch_op.drop_index('ix_invitations_requester')
        batch_op.drop_index('ix_invitations_directorate')

    op.drop_table('invitations')
    op.drop_table('event_inbox')
    op.drop_table('event_outbox')
    op.drop_table('decisions')
