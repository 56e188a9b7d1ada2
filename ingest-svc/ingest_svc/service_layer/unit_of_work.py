"""The unit of work: one transaction over ingest-svc's repositories."""
from sqlalchemy.orm import sessionmaker

from chassis.privacy.audit import AccessAudit

from ingest_svc.adapters import repositories
from ingest_svc.adapters.erasure import ErasureRepository
from ingest_svc.adapters.orm import privacy


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker):
        self.session_factory = session_factory

    def __enter__(self):
        self.session = self.session_factory()
        self.responses = repositories.ResponseRepository(self.session)
        self.idempotency = repositories.IdempotencyRepository(self.session)
        self.invitations = repositories.InvitationRepository(self.session)
        self.provisional = repositories.ProvisionalRepository(self.session)
        self.unmatched = repositories.UnmatchedReplyRepository(self.session)
        self.erasures = ErasureRepository(self.session)
        self.access_audit = AccessAudit(self.session, privacy["access_audit"])
        return self

    def __exit__(self, *exc):
        self.session.rollback()
        self.session.close()

    def commit(self):
        self.session.commit()
