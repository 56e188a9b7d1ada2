"""Scheduled board report runs: one row per scheduled moment, so each is sent once across restarts."""
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from chassis.db import UtcDateTime

from analysis_svc.adapters.orm import metadata


def columns() -> list:
    """The table as migration 0950 made it."""
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("trigger", sa.String(20), nullable=False),  # "schedule" | "now"
        sa.Column("scheduled_for", UtcDateTime(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime()),
        sa.Column("status", sa.String(20), nullable=False),  # running | sent | failed
        sa.Column("detail", sa.String(500)),
        sa.UniqueConstraint("trigger", "scheduled_for", name="uq_report_run_once"),
    ]


report_runs = sa.Table("report_runs", metadata, *columns())


class ReportRuns:
    def __init__(self, sessions):
        self.sessions = sessions

    def claim(self, trigger: str, scheduled_for, now) -> int | None:
        """The new run's id; None when that moment was already claimed (by any process)."""
        try:
            with self.sessions() as session, session.begin():
                return session.execute(report_runs.insert().values(
                    trigger=trigger, scheduled_for=scheduled_for, started_at=now,
                    status="running").returning(report_runs.c.id)).scalar_one()
        except IntegrityError:
            return None

    def finish(self, run_id: int, status: str, detail: str, now) -> None:
        with self.sessions() as session, session.begin():
            session.execute(report_runs.update().where(report_runs.c.id == run_id).values(
                status=status, detail=detail[:500], finished_at=now))

    def listing(self, limit: int = 20) -> list[dict]:
        with self.sessions() as session:
            return [dict(r) for r in session.execute(sa.select(report_runs).order_by(
                report_runs.c.id.desc()).limit(limit)).mappings()]
