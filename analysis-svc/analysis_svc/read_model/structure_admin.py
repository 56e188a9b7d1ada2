"""Reads of the structure admin: the unknown names an admin has to map."""
from sqlalchemy import select

from analysis_svc.adapters.structure_orm import unknown_names as table


def unknown_names(session) -> list[dict]:
    """Most answers first: the names worth mapping first."""
    rows = session.execute(select(table).order_by(table.c.responses.desc(), table.c.name))
    return [{"name": r.name, "first_seen": r.first_seen, "last_seen": r.last_seen,
             "responses": r.responses} for r in rows]
