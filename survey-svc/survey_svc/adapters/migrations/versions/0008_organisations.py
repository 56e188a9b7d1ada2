"""Organisations (#17): invitations.organisation (the ticket's, given or derived), and survey
policy per organisation (organisation_policies, audited in organisation_policy_audit).

Rows before it have no organisation: their policy was the defaults and the directorate's.

Revision ID: 0008_organisations
Revises: 0007_outbox_headers
"""
import sqlalchemy as sa
from alembic import op

from survey_svc.adapters.orm import organisation_policy_audit_columns, organisation_policy_columns

revision = "0008_organisations"
down_revision = "0007_outbox_headers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("organisation", sa.String(length=64), nullable=True))
    op.create_table("organisation_policies", *organisation_policy_columns())
    op.create_table("organisation_policy_audit", *organisation_policy_audit_columns())


def downgrade() -> None:
    op.drop_table("organisation_policy_audit")
    op.drop_table("organisation_policies")
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("organisation")
