"""Redaction outputs are pinned: every evaluation-set comment (and the service-desk feedback set)
redacts exactly as recorded, so a speed change can never silently change what is removed.

After a deliberate change to what redaction finds, record again and review the diff:
    .venv/bin/python tests/unit/analysis/test_analysis_text_redaction_outputs.py --record
"""
import json
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from analysis_svc.adapters.text.redaction import find, redact

EXPECTED = Path(__file__).parent / "data" / "redaction_expected.jsonl"


@lru_cache(maxsize=1)
def _cases() -> list[dict]:
    return [json.loads(line) for line in EXPECTED.read_text(encoding="utf-8").splitlines()]


def _spliced(text: str, spans: list) -> str:
    out, at = [], 0
    for start, end, mark in spans:
        out += [text[at:start], mark]
        at = end
    return "".join(out) + text[at:]


def test_the_record_covers_the_evaluation_set():
    from analysis_svc.adapters.text.redaction_eval import load
    texts = {c["text"] for c in _cases()}
    assert all(row["text"] in texts for row in load("all"))
    assert len(_cases()) > 1500


@pytest.mark.parametrize("chunk", range(8))
def test_every_recorded_comment_redacts_as_recorded(chunk):
    wrong = []
    for case in _cases()[chunk::8]:
        text, names = case["text"], tuple(case["names"])
        unnamed = case.get("unnamed", case["spans"])
        got = [list(s) for s in find(text, names)], [list(s) for s in find(text)]
        if got != (case["spans"], unnamed) or redact(text, names) != _spliced(text, case["spans"]) \
                or redact(text) != _spliced(text, unnamed):
            wrong.append((text, names, case["spans"], unnamed, got))
    assert not wrong, f"{len(wrong)} comments redact differently, first: {wrong[0]}"


def record() -> None:
    """Write the expected outputs from the redaction as it is now."""
    from analysis_svc.adapters.text.evaluate import load as load_feedback
    from analysis_svc.adapters.text.redaction_eval import load
    rows = [(r["text"], [r["requester"]]) for r in load("all")]
    people = sorted({r["requester"] for r in load("all")})
    rows += [(r["text"], [people[i % len(people)]]) for i, r in enumerate(load_feedback())]
    lines = []
    for text, names in rows:
        case = {"text": text, "names": names, "spans": [list(s) for s in find(text, tuple(names))]}
        unnamed = [list(s) for s in find(text)]
        if unnamed != case["spans"]:
            case["unnamed"] = unnamed
        lines.append(json.dumps(case, ensure_ascii=False))
    EXPECTED.parent.mkdir(exist_ok=True)
    EXPECTED.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"recorded {len(lines)} comments in {EXPECTED}")


if __name__ == "__main__" and "--record" in sys.argv:
    record()
