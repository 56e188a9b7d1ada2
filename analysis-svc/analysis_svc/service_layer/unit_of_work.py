"""The unit of work: one transaction over analysis-svc's repositories; nothing kept without commit()."""
from chassis.privacy.audit import AccessAudit
from chassis.tracing import traced_commit

from analysis_svc.adapters.orm import privacy
from analysis_svc.adapters.erasure import ErasureRepository
from analysis_svc.adapters.partner_repository import FollowUpRepository, TokenRepository
from analysis_svc.adapters.repository import SqlRepository
from analysis_svc.adapters.structure_repository import StructureRepository
from analysis_svc.adapters.ticket_trail import TicketTrailStore


class SqlUnitOfWork:
    """Reusable: each `with` opens a fresh transaction (a batch may retry message by message)."""

    def __init__(self, sessions):
        self.sessions = sessions

    def __enter__(self):
        self.session = self.sessions()
        self.analysis = SqlRepository(self.session)
        self.followups = FollowUpRepository(self.session)
        self.tokens = TokenRepository(self.session)
        self.erasures = ErasureRepository(self.session)
        self.ticket_trail = TicketTrailStore(self.session)
        self.structure = StructureRepository(self.session)
        self.access_audit = AccessAudit(self.session, privacy["access_audit"])
        return self

    def __exit__(self, *exc):
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        traced_commit(self.session)  # the database write of a consumed batch's trace
