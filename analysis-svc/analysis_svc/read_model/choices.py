"""What a viewer can choose from: the directorates in view, the latest month with data."""
from datetime import date

from sqlalchemy import func, select

from chassis.scope import scoped

from analysis_svc.adapters.orm import rollups


def directorates_in_view(session, scope) -> list[str]:
    """Directorates with data that the viewer may see (an admin: all of them)."""
    if scope is not None:
        return sorted(scope)
    return sorted(session.execute(select(rollups.c.directorate).distinct()).scalars())


def latest_month(session, scope) -> date | None:
    """The first day of the latest month with data in the viewer's scope."""
    stmt = select(func.max(rollups.c.period_start)).where(rollups.c.period_kind == "month")
    return session.execute(scoped(stmt, rollups.c.directorate, scope)).scalar()
