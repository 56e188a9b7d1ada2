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
    """The rules of a phrase file; a rule is only tried when one of its trigger words occurs."""

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
        self._compiled = [re.compile(rule, re.IGNORECASE) for rule in self.rules]
        self._tokens = list(self.valences)

    def active(self, text: str) -> list[int]:
        """Indices of the rules one of whose trigger words occurs in text, in file order."""
        lower = text.lower()
        found: set[int] = set()
        for trigger, ids in self._triggers:
            if trigger in lower:
                found.update(ids)
        return sorted(found)

    def apply(self, text: str) -> str:
        """Text with every phrase replaced by its token: leftmost match wins, then file order.

        The same result as one alternation of the triggered rules, without compiling a new
        alternation for every new combination of triggers (tweets have thousands).
        """
        active = self.active(text)
        if not active:
            return text
        patterns = [self._compiled[i] for i in active]
        found = [p.search(text) for p in patterns]
        out, pos = [], 0
        while True:
            best = -1
            for j, match in enumerate(found):
                if match is not None and match.start() < pos:
                    match = found[j] = patterns[j].search(text, pos)
                if match is not None and (best < 0 or match.start() < found[best].start()):
                    best = j
            if best < 0:
                break
            match = found[best]
            out.append(text[pos:match.start()])
            out.append(f" {self._tokens[active[best]]} ")
            pos = match.end()
        out.append(text[pos:])
        return "".join(out)

    def apply_all(self, text: str) -> str:
        """The same without trigger gating: the reference the gating must agree with."""
        return re.compile("|".join(self.rules), re.IGNORECASE).sub(_token, text)
