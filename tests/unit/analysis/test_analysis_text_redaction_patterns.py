"""Patterns rewritten for speed match exactly what their plainer forms match."""
import random
import re

from analysis_svc.adapters.text import identifiers, names

HEX = "[0-9A-Fa-f]"
PLAIN = {  # the plain forms, as first written
    "word": (names._WORD, re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*"),
             ["a", "Bé", "'", "’", "-", "--", " ", "1", "_", "Ł", "\u0301", "ſK", "O'", "x-y"]),
    "mac": (identifiers._MAC, re.compile(
        rf"(?<![\w:-]){HEX}{{2}}([:-]){HEX}{{2}}\1{HEX}{{2}}\1{HEX}{{2}}\1{HEX}{{2}}\1{HEX}{{2}}(?![\w:-])"
        rf"|(?<![\w.]){HEX}{{4}}\.{HEX}{{4}}\.{HEX}{{4}}(?![\w.])"),
        ["0a", "1F", ":", "-", ".", "1f2e", " ", "x", "_", "00:1A:2B:3C:4D:5E", "001a.2b3c.4d5e", "a"]),
    "plate": (identifiers._PLATE_ANYWHERE,
              re.compile(rf"(?<![\w-])(?:{identifiers._PLATE_CURRENT})(?![\w-])"),
              ["AB", "12", "CDE", " ", "-", "x", "A", "0", "Z", "AB12 CDE", "_", "é"]),
}


def _found(pattern, text):
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def test_fast_forms_match_the_plain_forms():
    rng = random.Random(3)
    for name, (fast, plain, tokens) in PLAIN.items():
        for _ in range(30_000):
            text = "".join(rng.choice(tokens) for _ in range(rng.randint(0, 14)))
            assert _found(fast, text) == _found(plain, text), (name, text)
