"""Analyser outputs are pinned: label, compound, themes, redacted text and disagreement of the base
rules on the IT evaluation set, the redaction record's comments and (when shared/data is beside the
repo) samples of public tweets and reviews hash as recorded, so a speed change cannot move a score.

After a deliberate change to what the analyser outputs, record again (and say so in the commit):
    .venv/bin/python tests/unit/analysis/test_analysis_text_analyser_outputs.py --record
"""
import hashlib
import json
import random
import sys
from pathlib import Path

import pytest

from analysis_svc.adapters.text import build_analyser, corpora
from analysis_svc.adapters.text.evaluate import load

EXPECTED = Path(__file__).parent / "data" / "analyser_outputs.json"
SAMPLE = 1500  # public texts per corpus (fixed seed)


def _items(corpus: str) -> list[tuple[str, str | None, int | None]] | None:
    """(text, requester, score) triples: names and scores vary so every path runs."""
    if corpus == "it":
        texts = [r["text"] for r in load()]
    elif corpus == "redaction":
        lines = (Path(__file__).parent / "data" / "redaction_expected.jsonl").read_text(encoding="utf-8")
        texts = [json.loads(line)["text"] for line in lines.splitlines()]
    else:
        root = corpora.data_dir()
        if root is None:
            return None
        rows = corpora.semeval(root, "test") if corpus == "tweets" else corpora.reviews(root, "test")
        texts = random.Random(0).sample([t for t, _ in rows], SAMPLE)
    names = ("Jane Smith", None, "Priya", "Dave O'Brien")
    return [(t, names[i % 4], (i % 6) or None) for i, t in enumerate(texts)]


def _digest(items) -> str:
    digest = hashlib.sha256()
    for a in build_analyser(learned=False).analyse_many(items):
        row = [a.label, repr(a.compound), a.themes, a.redacted, a.disagreement]
        digest.update(json.dumps(row, ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


@pytest.mark.parametrize("corpus", ["it", "redaction", "tweets", "reviews"])
def test_outputs_hash_as_recorded(corpus):
    items = _items(corpus)
    if items is None:
        pytest.skip("no shared/data folder")
    assert _digest(items) == json.loads(EXPECTED.read_text())[corpus]


def test_the_analyser_scores_each_text_alone():
    """analyse_many gives each text what analyse gives it: batching changes nothing."""
    items = _items("it")[:120]
    analyser = build_analyser(learned=False)
    alone = [analyser.analyse(t, requester_name=n, score=s) for t, n, s in items]
    assert analyser.analyse_many(items) == alone


def record() -> None:
    found = {c: _digest(items) for c in ("it", "redaction", "tweets", "reviews")
             if (items := _items(c)) is not None}
    EXPECTED.write_text(json.dumps(found, indent=1) + "\n")
    print(f"recorded {sorted(found)} in {EXPECTED}")


if __name__ == "__main__" and "--record" in sys.argv:
    record()
