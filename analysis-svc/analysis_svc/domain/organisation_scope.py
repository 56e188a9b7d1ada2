"""Which directorate names an organisation's partners may see (issue #17).

An organisation owns the directorate nodes placed in it today (a move hands a directorate over,
its history included, on the move's effective day: the receiving organisation sees it from then
on in every view, the giving one no longer does). Its scope is every name those nodes have or had,
every alias mapped to them and every stored spelling of either (names are compared normalised,
scopes exactly). A name that also means a node of another organisation is ambiguous (answers
carry no organisation) and is left out: an organisation may miss its own figures under such a
name, never see another's. Answers under a name that resolves to nothing are the admin's.
"""
from datetime import date

from analysis_svc.domain.structure import Structure, normalised


def organisation_names(structure: Structure, organisations, today: date,
                       stored=()) -> frozenset[str]:
    """Every name the organisations' directorates have or had, aliases and stored spellings too."""
    wanted = set(organisations)
    ours: dict[str, set[str]] = {}  # normalised -> spellings
    theirs: set[str] = set()
    for node_id, spellings in _spellings(structure).items():
        node = structure.nodes[node_id]
        mine = structure.organisation_at(node, today) in wanted
        for spelling in spellings:
            if mine:
                ours.setdefault(normalised(spelling), set()).add(spelling)
            else:
                theirs.add(normalised(spelling))
    for name in stored:
        if normalised(name) in ours:
            ours[normalised(name)].add(name)
    return frozenset(s for key, found in ours.items() if key not in theirs for s in found)


def _spellings(structure: Structure) -> dict[str, set[str]]:
    """Each directorate node's display names and aliases."""
    out = {node.id: {n.name for n in node.names}
           for node in structure.nodes.values() if node.kind == "directorate"}
    for alias, node_id in structure.aliases.items():
        if node_id in out:
            out[node_id].add(alias)
    return out
