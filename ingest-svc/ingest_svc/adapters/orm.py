"""Tables ingest-svc owns (SQLAlchemy Core, kept apart from the domain)."""
from sqlalchemy import (Column, Integer, LargeBinary, MetaData, String, Table, Text)

from chassis.db import UtcDateTime
from chassis.inbox import inbox_table
from chassis.privacy.tables import privacy_tables

metadata = MetaData()
inbox_table(metadata)
privacy = privacy_tables(metadata)


def _cohort() -> list[Column]:
    """Where an invitation sits: copied onto every answer so analysis needs no lookups."""
    return [Column("ticket_id", String(100)),
            Column("directorate", String(100), nullable=False),
            Column("service", String(100)), Column("category", String(100)),
            Column("team", String(100)), Column("channel", String(50))]


invitations = Table(
    "invitations", metadata,
    Column("invitation_id", String(64), primary_key=True),
    *_cohort(),
    Column("language", String(10), nullable=False, default="en"),
    Column("expires_at", UtcDateTime()),
    Column("closed", String(50)),
    Column("invitee", String(64)),  # chassis.auth.address_hash of the invited address
    Column("question_set", String(60)),  # "<name>@<version>" (contracts.questions), or None
    Column("organisation", String(64)),  # contracts.organisations id (#17), or None
)

responses = Table(
    "responses", metadata,
    Column("response_id", String(64), primary_key=True),
    Column("invitation_id", String(64), unique=True),
    Column("version", Integer, nullable=False),
    Column("score", Integer, nullable=False),
    Column("resolved", String(10)),
    Column("comment", Text),
    Column("channel", String(50), nullable=False),
    Column("source", String(100), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("subject", String(64)),  # address hash of who answered, when known (erasure)
)

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("scope", String(100), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("response_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("envelope", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

provisional_ratings = Table(
    "provisional_ratings", metadata,
    Column("invitation_id", String(64), primary_key=True),
    Column("score", Integer, nullable=False),
    *_cohort(),
    Column("language", String(10)),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("settled_at", UtcDateTime()),
)

unmatched_replies = Table(
    "unmatched_replies", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("invitation_id", String(64)),
    Column("reason", String(200), nullable=False),
    Column("via", String(50), nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
)
