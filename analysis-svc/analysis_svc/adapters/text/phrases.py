"""IT-service phrase rules: each match becomes one token that VADER scores like a word."""
from __future__ import annotations

import re
from pathlib import Path

DATA = Path(__file__).parent / "data"
_RUN = re.compile(r"[a-z0-9'-]+")
RUN_CACHE = 100_000


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
        self._word_triggers = [(t, ids) for t, ids in self._triggers if _RUN.fullmatch(t)]
        self._text_triggers = [(t, ids) for t, ids in self._triggers if not _RUN.fullmatch(t)]
        self._by_run: dict[str, frozenset[int]] = {}
        self._compiled = [re.compile(rule, re.IGNORECASE) for rule in self.rules]
        self._tokens = list(self.valences)

    def active(self, text: str) -> list[int]:
        """Indices of the rules one of whose trigger words occurs in text, in file order.

        A one-word trigger can only occur inside a run of word characters, so each distinct run
        is checked once and remembered; triggers with spaces are looked for in the whole text.
        """
        lower = text.lower()
        runs = set(_RUN.findall(lower))
        known = list(map(self._by_run.get, runs))  # the loop in C: runs are nearly always known
        if None in known:
            known = [self._run_ids(run) if ids is None else ids for run, ids in zip(runs, known)]
        found: set[int] = set().union(*known)
        for trigger, ids in self._text_triggers:
            if trigger in lower:
                found.update(ids)
        return sorted(found)

    def _run_ids(self, run: str) -> frozenset[int]:
        ids = frozenset(i for trigger, tids in self._word_triggers if trigger in run for i in tids)
        if len(self._by_run) < RUN_CACHE:
            self._by_run[run] = ids
        return ids

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
