"""The base model's digest: everything that can change a score, a theme or a stored (redacted) text.

That is the code of the analyser and every module it imports from this package (followed through
their relative imports, so a new module is covered without being listed), the data files they read
(this package's data/ except evaluation-only files; VADER's lexicons, the census name lists and the
English word list from the installed packages), the versions of the libraries whose code scores or
redacts, the Unicode database (case and word-character rules) and the configured asset-tag pattern.
Code is hashed as its syntax tree, so a comment or a re-wrapped line does not change the version.
"""
from __future__ import annotations

import ast
import hashlib
import unicodedata
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).parent
ENTRY = "analyser.py"
# In data/ but read by no score or redaction: evaluation sets and stored figures. (The frozen set
# only decides whether a learned table is adopted, and the table's own digest is in the version.)
EVALUATION_ONLY = frozenset({"eval_it_feedback.jsonl", "redaction_eval.jsonl", "redaction_coverage.json"})
# nltk: VADER's rules and the Snowball stemmer; google-re2: the asset-tag engine.
LIBRARIES = ("nltk", "google-re2")


def modules(package: Path = PACKAGE, entry: str = ENTRY) -> list[Path]:
    """entry and every module of package it imports, directly or not (relative imports)."""
    seen, todo = set(), [package / entry]
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = [node.module] if node.module else [alias.name for alias in node.names]
                todo += [package / f"{name.split('.')[0]}.py" for name in names]
    return sorted(seen)


def data_files(package: Path = PACKAGE) -> list[Path]:
    """This package's data files that scoring or redaction reads."""
    return sorted(p for p in (package / "data").iterdir() if p.is_file() and p.name not in EVALUATION_ONLY)


def external_files() -> list[Path]:
    """Data read from installed packages: VADER's lexicons, census names, English words."""
    from .names import census_files
    from .vader import emoji_path, lexicon_path
    from .vocabulary import word_list
    return [lexicon_path(), emoji_path(), word_list(), *census_files()]


@lru_cache(maxsize=16)
def digest(asset_tag: str, package: Path = PACKAGE, external: tuple[Path, ...] | None = None) -> str:
    """A hex digest of the rules' code, data, libraries and settings (see the module docstring)."""
    h = hashlib.sha1()
    for path in modules(package):
        h.update(f"\0code {path.name}\0".encode())
        h.update(ast.dump(ast.parse(path.read_text(encoding="utf-8"))).encode())
    for path in [*data_files(package), *(external_files() if external is None else external)]:
        h.update(f"\0data {Path(str(path)).name}\0".encode())
        h.update(path.read_bytes())
    for name in LIBRARIES:
        h.update(f"\0lib {name} {metadata.version(name)}\0".encode())
    h.update(f"\0unicode {unicodedata.unidata_version}\0asset-tag {asset_tag}\0".encode())
    return h.hexdigest()
