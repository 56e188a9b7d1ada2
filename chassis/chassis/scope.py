"""Directorate scope: the one rule of what a partner may see, for every feed, page and report.

A scope is None (an administrator: everything) or a set of directorate names.
"""
from sqlalchemy import false


class OutOfScope(PermissionError):
    """A directorate the caller may not see was asked for by name."""


def allows(scope, directorate: str | None) -> bool:
    return scope is None or directorate in scope


def check_directorate(scope, directorate: str | None) -> None:
    """Naming a directorate outside the scope is refused, not answered with an empty list."""
    if directorate and not allows(scope, directorate):
        raise OutOfScope(directorate)


def scoped(stmt, column, scope, directorate: str | None = None):
    """`stmt` limited to the scope's directorates (and to `directorate` when one is asked for)."""
    if scope is not None:
        stmt = stmt.where(column.in_(sorted(scope)) if scope else false())
    return stmt.where(column == directorate) if directorate else stmt
