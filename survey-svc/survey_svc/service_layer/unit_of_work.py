"""One transaction: state changes and the events announcing them commit together."""
from chassis.outbox import add_to_outbox

from survey_svc.adapters.lifecycle import envelopes_for
from survey_svc.adapters.repository import InvitationRepository
from survey_svc.adapters.stores import Decisions, Inbox, OptOuts, Policies


class SqlUnitOfWork:
    def __init__(self, session_factory):
        self.session_factory = session_factory

    def __enter__(self):
        self.session = self.session_factory()
        self.invitations = InvitationRepository(self.session)
        self.decisions = Decisions(self.session)
        self.opt_outs = OptOuts(self.session)
        self.policies = Policies(self.session)
        self.inbox = Inbox(self.session)
        return self

    def __exit__(self, *exc):
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        connection = self.session.connection()  # Core: the ORM layer adds nothing here
        for invitation in self.invitations.seen.values():
            if invitation.id not in self.invitations.added:
                self.invitations.save(invitation)
            for envelope in envelopes_for(invitation):
                add_to_outbox(connection, envelope)
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
