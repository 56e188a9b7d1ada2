"""Which directorates a person signed in through the identity provider may see, from their groups.

OIDC_GROUP_SCOPES maps a group (or any value of the configured claim) to `admin` or to a list of
directorates and organisations (`org:<id>`: every directorate of that organisation, #17):
`ict-admins=admin; asc-partners=Adult Social Care, Public Health; north-staff=org:north`.
"""
from dataclasses import dataclass

ADMIN = "admin"
ORGANISATION = "org:"


class NoMappedGroup(Exception):
    """None of the person's groups is mapped to a scope: they may not use the dashboard."""


@dataclass(frozen=True)
class GroupScope:
    group: str
    directorates: frozenset | None  # None: admin, every directorate
    organisations: frozenset = frozenset()  # organisation ids


@dataclass(frozen=True)
class Grant:
    """What a person's groups give: directorates and organisation ids (None, None: admin)."""

    directorates: frozenset | None
    organisations: frozenset | None


def parse_group_scopes(raw: str) -> tuple[GroupScope, ...]:
    """`group=admin; group=Directorate, Directorate` -> GroupScopes; a message names a bad entry."""
    mapping = []
    for entry in (part.strip() for part in raw.split(";")):
        if not entry:
            continue
        group, sep, target = (text.strip() for text in entry.partition("="))
        targets = [d.strip() for d in target.split(",") if d.strip()]
        organisations = frozenset(t[len(ORGANISATION):].strip() for t in targets
                                  if t.lower().startswith(ORGANISATION))
        directorates = frozenset(t for t in targets if not t.lower().startswith(ORGANISATION))
        if not sep or not group or not targets or "" in organisations:
            raise ValueError(f"{entry!r} is not `group=admin` or "
                             "`group=Directorate, org:organisation-id, ...`")
        if any(existing.group == group for existing in mapping):
            raise ValueError(f"group {group!r} is mapped twice")
        admin = target.lower() == ADMIN
        mapping.append(GroupScope(group, None if admin else directorates,
                                  frozenset() if admin else organisations))
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
    """The union of the groups' directorates (None: admin); raises NoMappedGroup when none is mapped."""
    return grant_for_groups(groups, mapping).directorates


def grant_for_groups(groups, mapping) -> Grant:
    """The union of the groups' directorates and organisations (admin if any group is);
    raises NoMappedGroup when none is mapped."""
    granted = [m for m in mapping if m.group in set(groups)]
    if not granted:
        raise NoMappedGroup(f"none of the groups {sorted(groups)} is mapped")
    if any(m.directorates is None for m in granted):
        return Grant(None, None)
    return Grant(frozenset().union(*(m.directorates for m in granted)),
                 frozenset().union(*(m.organisations for m in granted)))
