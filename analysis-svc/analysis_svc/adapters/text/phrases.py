"""IT-service phrase rules: each match becomes one token that VADER scores like a word."""
from __future__ import annotations

import re
from pathlib import Path

DATA = Path(__file__).parent / "data"


def read_tsv(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file, skipping blanks and # comments."""
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def _token(match: re.Match) -> str:
    return f" {match.lastgroup} "


class PhraseRules:
    """The rules of it_phrases.tsv; a rule is only tried when one of its trigger words occurs."""

    def __init__(self, name: str = "it_phrases.tsv"):
        self.valences: dict[str, float] = {}
        self.rules: list[str] = []
        triggers: dict[str, list[int]] = {}
        for i, (rule, valence, words, pattern) in enumerate(read_tsv(name)):
            token = f"itphrase{rule.replace('_', '')}"
            self.valences[token] = float(valence)
            self.rules.append(f"(?P<{token}>{pattern})")
            for word in words.split(","):
                triggers.setdefault(word, []).append(i)
        self._triggers = list(triggers.items())
        self._combined: dict[tuple[int, ...], re.Pattern] = {}

    def pattern_for(self, text: str) -> re.Pattern | None:
        """One alternation of the triggered rules (leftmost match wins, then file order)."""
        lower = text.lower()
        found: set[int] = set()
        for trigger, ids in self._triggers:
            if trigger in lower:
                found.update(ids)
        if not found:
            return None
        active = tuple(sorted(found))
        pattern = self._combined.get(active)
        if pattern is None:
            pattern = re.compile("|".join(self.rules[i] for i in active), re.IGNORECASE)
            if len(self._combined) < 4096:
                self._combined[active] = pattern
        return pattern

    def apply(self, text: str) -> str:
        """Text with every phrase replaced by its token."""
        pattern = self.pattern_for(text)
        return pattern.sub(_token, text) if pattern is not None else text

    def apply_all(self, text: str) -> str:
        """The same without trigger gating: the reference the gating must agree with."""
        return re.compile("|".join(self.rules), re.IGNORECASE).sub(_token, text)
