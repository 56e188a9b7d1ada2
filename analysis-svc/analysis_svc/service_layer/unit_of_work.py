"""One database transaction around a repository: commit on success, roll back on error."""
from contextlib import contextmanager

from analysis_svc.adapters.repository import SqlRepository


class SqlUnitOfWork:
    def __init__(self, sessions):
        self.sessions = sessions

    @contextmanager
    def __call__(self):
        with self.sessions() as session, session.begin():
            yield SqlRepository(session)
