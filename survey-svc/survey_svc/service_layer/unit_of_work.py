"""One transaction: state changes and the events announcing them commit together."""
from contextlib import nullcontext

from chassis.outbox import add_to_outbox
from chassis.privacy.audit import AccessAudit
from contracts.envelope import make_envelope

from survey_svc.adapters.connector_store import Checkpoints, TicketRefs, WriteBacks
from survey_svc.adapters.erasure_store import ErasureStore
from survey_svc.adapters.lifecycle import PRODUCER, envelopes_for
from survey_svc.adapters.orm import privacy
from survey_svc.adapters.repository import InvitationRepository
from survey_svc.adapters.stores import (Decisions, Inbox, OptOuts, Policies,
                                        organisation_policies_of)
from survey_svc.adapters.subject_store import SubjectStore


class SqlUnitOfWork:
    """On a Core connection: every statement is Core, and an ORM session per mail sent
    cost the dispatcher more than the database did."""

    def __init__(self, engine, write_lock=nullcontext(), address_key: str | None = None,
                 vault=None):
        # SQLite has one writer: threads of a process queue on this lock instead of each
        # sleeping in SQLite's busy handler (1 ms and up) whenever two commits overlap.
        self.engine, self.write_lock = engine, write_lock
        self.address_key = address_key  # REPLY_TAG_KEY: keys the invitee's address hash
        self.vault = vault  # chassis.privacy KeyVault: seals the requester before the outbox

    def __enter__(self):
        self.db = self.engine.connect()
        self.invitations = InvitationRepository(self.db)
        self.decisions = Decisions(self.db)
        self.opt_outs = OptOuts(self.db, self.address_key)
        self.policies = Policies(self.db)
        self.organisation_policies = organisation_policies_of(self.db)
        self.inbox = Inbox(self.db)
        self.erasures = ErasureStore(self.db)
        self.access_audit = AccessAudit(self.db, privacy["access_audit"])
        self.subject_data = SubjectStore(self.db)
        self.checkpoints = Checkpoints(self.db)
        self.ticket_refs = TicketRefs(self.db)
        self.writebacks = WriteBacks(self.db)
        self.announced = []  # (event_type, data): events that are not an invitation's steps
        return self

    def announce(self, event_type: str, data: dict) -> None:
        """An event to leave through the outbox with this transaction's commit."""
        self.announced.append((event_type, data))

    def __exit__(self, *exc):
        self.db.rollback()
        self.db.close()

    def commit(self) -> None:
        with self.write_lock:
            for invitation in self.invitations.seen.values():
                if invitation.id not in self.invitations.added:
                    self.invitations.save(invitation)
                for envelope in envelopes_for(invitation, self.address_key, self.vault):
                    add_to_outbox(self.db, envelope)
            for event_type, data in self.announced:
                add_to_outbox(self.db, make_envelope(event_type, data, PRODUCER))
            self.announced = []
            self.db.commit()

    def rollback(self) -> None:
        self.db.rollback()
