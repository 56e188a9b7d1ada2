"""The unit of work: one transaction over analysis-svc's repositories; nothing kept without commit()."""
from analysis_svc.adapters.partner_repository import FollowUpRepository, TokenRepository
from analysis_svc.adapters.repository import SqlRepository


class SqlUnitOfWork:
    """Reusable: each `with` opens a fresh transaction (a batch may retry message by message)."""

    def __init__(self, sessions):
        self.sessions = sessions

    def __enter__(self):
        self.session = self.sessions()
        self.analysis = SqlRepository(self.session)
        self.followups = FollowUpRepository(self.session)
        self.tokens = TokenRepository(self.session)
        return self

    def __exit__(self, *exc):
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
