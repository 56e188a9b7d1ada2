"""English words, so that a capitalised word which is none can be taken for a name ("Łukasz", "Aoife").

The word list is pyspellchecker's English dictionary (MIT; 160,572 words from subtitles and
word-frequency lists, American spelling), read from the installed package, never downloaded.
British spellings are tried in their American form ("colour" -> "color", "centre" -> "center").
Words it lacks but comments use (contractions without apostrophes, chat and IT words) are in
data/not_names.txt, which names.py treats as never a name.
"""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

# British spellings and their American forms, tried one at a time for a word not listed.
_BRITISH = (("is", "iz"), ("ys", "yz"), ("our", "or"), ("tre", "ter"), ("bre", "ber"),
            ("ll", "l"), ("mme", "m"), ("ogue", "og"), ("ence", "ense"), ("ae", "e"), ("oe", "e"))


def word_list():
    """pyspellchecker's gzipped English word list, inside the installed package."""
    return resources.files("spellchecker") / "resources" / "en.json.gz"


@lru_cache(maxsize=1)
def english() -> frozenset[str]:
    """pyspellchecker's English words, lower case."""
    with word_list().open("rb") as raw:
        with gzip.open(raw) as f:
            return frozenset(json.load(f))


def is_english(word: str) -> bool:
    """True for a lower-case English word, in American or British spelling."""
    words = english()
    if word in words:
        return True
    return any(british in word and word.replace(british, american) in words
               for british, american in _BRITISH)
