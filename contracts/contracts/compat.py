"""Spot changes to an event schema that would break a consumer built on an older version."""


def _resolve(doc: dict, node: dict) -> dict:
    ref = node.get("$ref")
    return doc["$defs"][ref.rsplit("/", 1)[1]] if ref else node


def _types(node: dict) -> set:
    kind = node.get("type")
    return set(kind) if isinstance(kind, list) else {kind}


def breaking_changes(old: dict, new: dict, old_node=None, new_node=None, path="") -> list[str]:
    """Fields a consumer relied on that are gone, no longer required, or changed type."""
    old_node = _resolve(old, old_node or old)
    new_node = _resolve(new, new_node or new)
    problems = []
    new_props = new_node.get("properties", {})
    new_required = set(new_node.get("required", []))
    for name, old_field in old_node.get("properties", {}).items():
        where = f"{path}{name}"
        if name not in new_props:
            problems.append(f"{where}: removed")
            continue
        if name in old_node.get("required", []) and name not in new_required:
            problems.append(f"{where}: no longer required")
        old_field, new_field = _resolve(old, old_field), _resolve(new, new_props[name])
        if not _types(old_field) <= _types(new_field) and "const" not in old_field:
            problems.append(f"{where}: type {sorted(map(str, _types(old_field)))} changed")
        if "properties" in old_field:
            problems += breaking_changes(old, new, old_field, new_field, f"{where}.")
    for name in new_required - set(old_node.get("required", [])):
        problems.append(f"{path}{name}: newly required")
    return problems
