"""Table definitions; the domain never sees them."""
from sqlalchemy import (JSON, Boolean, Column, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint)

from chassis.db import UtcDateTime
from chassis.inbox import inbox_table
from chassis.outbox import outbox_table
from chassis.privacy.tables import privacy_tables

metadata = MetaData()
outbox_table(metadata)
inbox_table(metadata)
privacy = privacy_tables(metadata)


def _when(name: str, nullable: bool = True) -> Column:
    return Column(name, UtcDateTime(), nullable=nullable)


invitations = Table(
    "invitations", metadata,
    Column("id", String(32), primary_key=True),
    Column("ticket_id", String(100), nullable=False),
    Column("resolution", Integer, nullable=False),
    _when("resolved_at", False),
    Column("requester_id", String(200), nullable=False),
    Column("requester_email", String(320)),
    Column("requester_name", String(200)),
    # The keyed hash of the requester's normalised address (chassis.privacy.subject_of): the
    # throttle and exclusions count one person across ids and service desks.
    Column("requester_key", String(64)),
    Column("directorate", String(100), nullable=False),
    Column("service", String(100)),
    Column("category", String(100)),
    Column("team", String(100)),
    Column("priority", String(50)),
    Column("channel", String(50)),
    Column("language", String(10), nullable=False),
    Column("auto_closed", Boolean, nullable=False, default=False),
    Column("status", String(20), nullable=False),
    _when("due_at", False),
    _when("expires_at", False),
    Column("reminder_days", Integer, nullable=False),
    _when("sent_at"), _when("remind_at"), _when("reminded_at"), _when("answered_at"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(500)),
    _when("created_at", False),
    # contracts.questions: the set it was sent with; None, the default questions.
    Column("question_set", String(60)),
    # 0008: the ticket's organisation (given or derived); None, none known.
    Column("organisation", String(64)),
    UniqueConstraint("ticket_id", "resolution", name="uq_invitation_ticket_resolution"),
    Index("ix_invitations_status_due", "status", "due_at"),
    Index("ix_invitations_requester", "requester_id", "due_at"),
    Index("ix_invitations_requester_key", "requester_key", "due_at"),
    Index("ix_invitations_directorate", "directorate", "created_at"),
)

# One row per (ticket, resolution) ever seen: makes a redelivery a no-op.
decisions = Table(
    "decisions", metadata,
    Column("ticket_id", String(100), primary_key=True),
    Column("resolution", Integer, primary_key=True),
    Column("surveyed", Boolean, nullable=False),
    Column("reason", String(50)),
    _when("decided_at", False),
)

opt_outs = Table(
    "opt_outs", metadata,
    Column("requester_id", String(200), primary_key=True),
    Column("source", String(50), nullable=False),
    _when("opted_out_at", False),
)

policies = Table(
    "policies", metadata,
    Column("directorate", String(100), primary_key=True),
    Column("settings", JSON, nullable=False),
    _when("updated_at", False),
    Column("updated_by", String(100), nullable=False),
)

policy_audit = Table(
    "policy_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("directorate", String(100), nullable=False),
    _when("changed_at", False),
    Column("changed_by", String(100), nullable=False),
    Column("old", JSON),
    Column("new", JSON),
)


def organisation_policy_columns() -> list[Column]:
    """0008: an organisation's overrides, between the defaults and a directorate's."""
    return [Column("organisation", String(64), primary_key=True),
            Column("settings", JSON, nullable=False), _when("updated_at", False),
            Column("updated_by", String(100), nullable=False)]


def organisation_policy_audit_columns() -> list[Column]:
    return [Column("id", Integer, primary_key=True, autoincrement=True),
            Column("organisation", String(64), nullable=False), _when("changed_at", False),
            Column("changed_by", String(100), nullable=False), Column("old", JSON),
            Column("new", JSON)]


organisation_policies = Table("organisation_policies", metadata, *organisation_policy_columns())
organisation_policy_audit = Table("organisation_policy_audit", metadata,
                                  *organisation_policy_audit_columns())


def erasure_request_columns() -> list[Column]:
    return [Column("id", String(36), primary_key=True),
            Column("subjects", JSON, nullable=False, default=list),  # address hashes, never the address
            Column("asked_by", String(20), nullable=False),  # "email" | "requester_id"
            Column("requested_by", String(200), nullable=False),
            _when("requested_at", False),
            _when("completed_at")]


def erasure_progress_columns() -> list[Column]:
    return [Column("request_id", String(36), primary_key=True),
            Column("service", String(50), primary_key=True),
            Column("status", String(20), nullable=False),  # "pending" | "completed"
            Column("counts", JSON, nullable=False, default=dict),
            _when("completed_at")]


# Erasure requests taken here and each service's progress on them (from erasure.completed).
erasure_requests = Table("erasure_requests", metadata, *erasure_request_columns())
erasure_progress = Table("erasure_progress", metadata, *erasure_progress_columns())


def connector_state_columns() -> list:
    """Per pull connector: how far it has read, and how its last polls went."""
    return [Column("connector", String(50), primary_key=True),
            _when("checkpoint"), _when("last_poll_at"), _when("last_success_at"),
            Column("failures", Integer, nullable=False, default=0),  # consecutive
            Column("last_error", String(500)),
            Column("pulled", Integer, nullable=False, default=0),
            Column("skipped", Integer, nullable=False, default=0)]


def ticket_ref_columns() -> list:
    """Which connector pulled a (ticket, resolution), and the tool's own id to write back to."""
    return [Column("ticket_id", String(100), primary_key=True),
            Column("resolution", Integer, primary_key=True),
            Column("connector", String(50), nullable=False),
            Column("ref", String(200), nullable=False),
            _when("recorded_at", False)]


def itsm_writeback_columns() -> list:
    """The outbox of notes (and reopens) owed to tickets: one row per answer version."""
    return [Column("id", Integer, primary_key=True, autoincrement=True),
            Column("response_id", String(64), nullable=False),
            Column("version", Integer, nullable=False),
            Column("connector", String(50), nullable=False),
            Column("ref", String(200), nullable=False),
            Column("ticket_id", String(100), nullable=False),
            Column("note", Text),  # dropped once delivered: the ticket has it then
            Column("reopen", Boolean, nullable=False),
            Column("status", String(20), nullable=False),
            Column("attempts", Integer, nullable=False, default=0),
            Column("last_error", String(500)),
            _when("created_at", False), _when("next_attempt_at"), _when("noted_at"),
            _when("reopened_at"), _when("done_at"),
            UniqueConstraint("response_id", "version", name="uq_itsm_writeback_answer"),
            Index("ix_itsm_writebacks_due", "status", "next_attempt_at")]


def itsm_followup_columns() -> list:
    """0006: the ticket's directorate (for the events), and the watch for the team's follow-up:
    the tool's own mark of where our write-back left the ticket, when we last looked, and the
    team's latest follow-up seen."""
    return [Column("directorate", String(100)), Column("followup_mark", String(200)),
            _when("checked_at"), _when("followed_up_at")]


connector_state = Table("connector_state", metadata, *connector_state_columns())
ticket_refs = Table("ticket_refs", metadata, *ticket_ref_columns())
itsm_writebacks = Table("itsm_writebacks", metadata, *itsm_writeback_columns(),
                        *itsm_followup_columns())
