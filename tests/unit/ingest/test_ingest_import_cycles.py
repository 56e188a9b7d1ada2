"""No import cycles in ingest_svc: every import, at module level or inside a function, counts."""
import ast
from pathlib import Path

import ingest_svc

ROOT = Path(ingest_svc.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The ingest_svc modules a file imports (`from a import b` counts b when b is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in modules}
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in ROOT.rglob("*.py") if "migrations" not in p.parts}
    modules = set(files)
    return {name: imports_of(path, modules) - {name} for name, path in files.items()}


def cycle_from(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    """A path start -> ... -> start, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in edges[node]:
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def test_graph_sees_the_package():
    edges = graph()
    assert "ingest_svc.service_layer.answers" in edges["ingest_svc.service_layer.replies"]
    assert "ingest_svc.entrypoints.api.translate" in edges["ingest_svc.entrypoints.api.batch"]


def test_no_module_imports_itself_back():
    edges = graph()
    # A package __init__ importing its children is not a cycle of code: skip packages' own edges.
    edges = {name: {m for m in deps if not name or not m.startswith(name + ".")} for name, deps in edges.items()}
    cycles = [c for name in sorted(edges) if (c := cycle_from(name, edges))]
    assert cycles == []
