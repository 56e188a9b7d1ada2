"""Which directorates a person signed in through the identity provider may see, from their groups.

OIDC_GROUP_SCOPES maps a group (or any value of the configured claim) to `admin` or to a list of
directorates: `ict-admins=admin; asc-partners=Adult Social Care, Public Health`.
"""
from dataclasses import dataclass

ADMIN = "admin"


class NoMappedGroup(Exception):
    """None of the person's groups is mapped to a scope: they may not use the dashboard."""


@dataclass(frozen=True)
class GroupScope:
    group: str
    directorates: frozenset | None  # None: admin, every directorate


def parse_group_scopes(raw: str) -> tuple[GroupScope, ...]:
    """`group=admin; group=Directorate, Directorate` -> GroupScopes; a message names a bad entry."""
    mapping = []
    for entry in (part.strip() for part in raw.split(";")):
        if not entry:
            continue
        group, sep, target = (text.strip() for text in entry.partition("="))
        directorates = frozenset(d.strip() for d in target.split(",") if d.strip())
        if not sep or not group or not directorates:
            raise ValueError(f"{entry!r} is not `group=admin` or `group=Directorate, ...`")
        if any(existing.group == group for existing in mapping):
            raise ValueError(f"group {group!r} is mapped twice")
        mapping.append(GroupScope(group, None if target.lower() == ADMIN else directorates))
    return tuple(mapping)


def claim_values(claims: dict, claim: str) -> tuple[str, ...]:
    """A claim's values, whether the provider sends one string or a list."""
    value = claims.get(claim)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def scope_for_groups(groups, mapping) -> frozenset | None:
    """The union of the groups' scopes (None: admin); raises NoMappedGroup when none is mapped."""
    granted = [m.directorates for m in mapping if m.group in set(groups)]
    if not granted:
        raise NoMappedGroup(f"none of the groups {sorted(groups)} is mapped")
    if any(directorates is None for directorates in granted):
        return None
    return frozenset().union(*granted)
