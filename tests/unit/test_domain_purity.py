"""Every service's domain is plain Python: each module under each `domain/` folder, found by
walking the folders, imports no framework, database, broker, mail or validation library."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"survey-svc": "survey_svc", "ingest-svc": "ingest_svc", "analysis-svc": "analysis_svc"}
FORBIDDEN = {"flask", "sqlalchemy", "confluent_kafka", "kafka", "smtplib", "requests", "marshmallow"}


def domain_modules() -> list[str]:
    found = []
    for folder, package in SERVICES.items():
        domain = ROOT / folder / package / "domain"
        for path in sorted(domain.rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


MODULES = domain_modules()


def test_every_service_has_a_domain():
    for package in SERVICES.values():
        assert any(m.startswith(package + ".domain") for m in MODULES), package


def _top_level_imports(module: str) -> set[str]:
    package, *rest = module.split(".")
    folder = next(f for f, p in SERVICES.items() if p == package)
    path = ROOT / folder / Path(*module.split(".")).with_suffix(".py")
    if not path.exists():
        path = ROOT / folder / Path(*module.split(".")) / "__init__.py"
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", MODULES)
def test_domain_module_source_imports_nothing_forbidden(module):
    assert not _top_level_imports(module) & FORBIDDEN


def test_importing_every_domain_module_loads_nothing_forbidden():
    """Also catches a forbidden library pulled in indirectly (through another module)."""
    code = ("import importlib, sys\n"
            f"for m in {MODULES!r}: importlib.import_module(m)\n"
            f"print(sorted({sorted(FORBIDDEN)!r} and set({sorted(FORBIDDEN)!r}) & "
            "{k.split('.')[0] for k in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"
