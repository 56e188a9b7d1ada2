"""Other people's names: census first names and surnames, plus capitalisation and context rules.

The gazetteer is the US Census Bureau's 1990 name lists (public domain) as shipped inside the
`names` package on PyPI: 5,163 first names and 88,799 surnames, read from the installed package,
never downloaded. A capitalised word is taken for a name when the evidence is enough:

- a first name that is not also an ordinary word ("Dave", "Priya" if listed);
- mid-sentence, a word that is not English at all (vocabulary.py: "... why Vyanjana marked it");
- any capitalised word after a title ("Mr Okafor") or a cue ("thanks Łukasz", "spoke to Aoife");
- capitalised words beside a name ("Dave Smith", "Will Turner");
- mid-sentence capitalised words before an action ("... and Aoife sorted it").

IT product words (data/it_products.txt) and organisation words (data/not_names.txt) are never
names; ordinary words that are also names (data/name_words.txt) need the stronger evidence, and
an English plural that is no listed name ("Networks rang") is a team unless a title or cue says otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate, compress
from pathlib import Path

from .vocabulary import is_english

Span = tuple[int, int, str]
DATA = Path(__file__).parent / "data"
# Runs of letters joined by single apostrophes/hyphens. The separator is never a letter, so each
# word has one way to match: linear on any input (and twice as fast as a per-letter alternation).
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_TOKENS = re.compile(f"({_WORD.pattern})")  # split: gaps and words alternate
_SENTENCE_END = re.compile(r"[.!?\n\r;:•\"“(\[]|\s-\s")
_FULL_STOP = re.compile(r"[.!?\n\r•]")  # what may start a sentence with a foreign word
TITLES = frozenset("mr mrs ms miss mx dr sir dame prof lady lord".split())
# Cues before a name: the words just before it (up to two), lower case.
_CUES_BEFORE = frozenset("""
thanks thank thx cheers ta hi hello hey dear regards colleague colleagues engineer technician
tech analyst officer adviser advisor supervisor named called by with job done
to-spoke to-speak to-speaking to-talked to-talking to-thanks to-passed to-transferred
to-escalated to-assigned to-sent to-chatted to-talk to-spoken to-went to-out to-shout
you-thank you-thanks
from-back from-call from-email from-message from-reply from-text from-response from-visit
""".split())
_PAIRED = ("to", "you", "from")
_LOWER_CUES = _CUES_BEFORE | set(_PAIRED)
# Where a person sits: "Callum at the desk", "Aoife from IT", "Raj on the phone".
_AT_DESK = re.compile(
    r"\s(?:at|on|from|in|with)\s(?:the\s)?(?:service\s?desk|help\s?desk|desk|phone|IT|ICT|support)\b",
    re.IGNORECASE)
# Actions after a name: "Dave sorted it", "Aoife from the service desk".
_CUES_AFTER = frozenset("""
sorted fixed resolved rang phoned called emailed came arrived visited helped explained installed
replaced showed talked walked said told promised kept went gave got sent spent logged remoted
took managed dealt answered returned picked followed understood listened knew stayed worked did
sorts fixes resolves rings phones calls emails comes visits helps explains installs replaces
shows talks says tells promises keeps goes gives gets sends takes manages deals answers returns
picks follows understands listens knows stays works does was is has had from at on in who
went's
""".split())
# Acts only a person does: enough even for one unlisted word starting a sentence ("Manya rang").
_HUMAN_ACTS = frozenset("""
remoted rang phoned emailed visited helped explained said told promised talked walked listened
understood knew apologised apologized spoke chased reassured seemed seems
""".split())
# After "is"/"was" the group must not start a sentence: "Outlook was slow" needs the allow-list,
# "Printer was slow" must not become a name, "and Priya was great" is one.
_WEAK_AFTER = frozenset("was is has had at on in who".split())
# "Pavani was really patient": a trait only a person has, after is/was and an optional adverb.
_TRAITS = frozenset("""
patient impatient rude helpful unhelpful friendly unfriendly polite lovely kind knowledgeable
courteous understanding dismissive abrupt cheerful
""".split())
_ADVERBS = frozenset("really very so extremely super incredibly always".split())
# Every word after a group that a rule below the first two in _is_name reads ("with": _AT_DESK).
_ANY_AFTER = _CUES_AFTER | _HUMAN_ACTS | {"with"}
_SURNAME_RANK = 40_000  # rarer census surnames are mostly spelling variants and ordinary words
_WORD_PARTS = re.compile(r"['’-]")


def _words(path: Path) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        words.update(w.lower() for w in line.split("#")[0].split())
    return frozenset(words)


@dataclass(frozen=True)
class Gazetteer:
    first: frozenset[str]
    surnames: frozenset[str]
    ambiguous: frozenset[str]
    never: frozenset[str]


def census_files():
    """The census lists inside the `names` package: male and female first names, surnames."""
    base = resources.files("names")
    return [base / name for name in ("dist.male.first", "dist.female.first", "dist.all.last")]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The name lists, read once from the `names` package and this package's data files."""
    *firsts, last = census_files()
    first = set()
    for path in firsts:
        first.update(line.split()[0].lower() for line in path.read_text().splitlines() if line.strip())
    surnames = set()
    for line in last.read_text().splitlines():
        parts = line.split()
        if parts and int(parts[3]) <= _SURNAME_RANK:
            surnames.add(parts[0].lower())
    products = _words(DATA / "it_products.txt")
    return Gazetteer(frozenset(first), frozenset(surnames), _words(DATA / "name_words.txt"),
                     _words(DATA / "not_names.txt") | products)


def products() -> frozenset[str]:
    """The IT product words the allow-list protects (lower case)."""
    return _words(DATA / "it_products.txt")


@lru_cache(maxsize=65536)
def _foreign(key: str) -> bool:
    """Not an English word, nor made of English words ("o'dwyer" is foreign, "e-mail" is not)."""
    if len(key) < 3 or is_english(key):
        return False
    parts = _WORD_PARTS.split(key)
    return len(parts) == 1 or not all(is_english(p) for p in parts if p)


def _plain_case(word: str) -> bool:
    """Capitals only where a name has them ("O'Dwyer", "McAllister"), not "FoxNews" or "ZryVV"."""
    for part in _WORD_PARTS.split(word):
        rest = part[3:] if part.startswith("Mc") else part[4:] if part.startswith("Mac") else part[1:]
        if rest != rest.lower():
            return False
    return True


def _plural(key: str) -> bool:
    return key.endswith("s") and is_english(key) and is_english(key[:-1])


_POSSESSIVE = ("'s", "’s")


def _key(word: str) -> str:
    word = word.lower()
    return word[:-2] if word.endswith(_POSSESSIVE) else word


class _Words:
    """A text split once into words and the gaps between them, with each word's key."""

    __slots__ = ("text", "parts", "words", "keys", "_offsets")

    def __init__(self, text: str, parts: list[str]):
        self.text, self.parts = text, parts  # gap, word, gap, word, ..., gap
        self.words = parts[1::2]
        lower = list(map(str.lower, self.words))
        self.keys = ([w[:-2] if w.endswith(_POSSESSIVE) else w for w in lower]
                     if "'" in text or "’" in text else lower)
        self._offsets: list[int] | None = None

    def gap(self, i: int) -> str:
        """The text between word i-1 and word i."""
        return self.parts[2 * i]

    def start(self, i: int) -> int:
        return self.offsets[2 * i + 1]

    def end(self, i: int) -> int:
        return self.offsets[2 * i + 2]

    @property
    def offsets(self) -> list[int]:
        if self._offsets is None:  # only texts with a name candidate need positions
            self._offsets = list(accumulate(map(len, self.parts), initial=0))
        return self._offsets


_QUALIFIES: dict[str, bool] = {}


def _qualifies(word: str, key: str, never: frozenset[str]) -> bool:
    found = word[0].isupper() and not word.isupper() and key not in never
    if len(_QUALIFIES) < 100_000:
        _QUALIFIES[word] = found
    return found


def name_spans(text: str) -> list[Span]:
    """Spans of other people's names in text."""
    g = gazetteer()
    t = _Words(text, _TOKENS.split(text))
    words, keys, never = t.words, t.keys, g.never
    # A group: capitalised words, each separated from the last by one space, none "never".
    qualifies = list(map(_QUALIFIES.get, words))  # the loop in C: words are nearly always known
    if None in qualifies:
        qualifies = [_qualifies(w, k, never) if q is None else q for w, k, q in zip(words, keys, qualifies)]
    # Only these words can start a name: a qualifying one, or any word right after a lower-case cue.
    starts = list(compress(range(len(words)), qualifies))
    if not _LOWER_CUES.isdisjoint(keys):
        starts = sorted(set(starts).union(i + 1 for i, k in enumerate(keys[:-1]) if k in _LOWER_CUES))
    found: list[Span] = []
    resume, last_name_end = 0, -1
    for i in starts:
        if i < resume:
            continue
        if not qualifies[i]:
            if _lower_case_name(t, i, g):
                found.append((t.start(i), t.end(i), "[NAME]"))
            continue
        j = i + 1
        while j < len(words) and qualifies[j] and t.gap(j) == " " and j - i < 4:
            j += 1
        joined = last_name_end >= 0 and _joined(t, last_name_end, i, j, g)
        if _is_name(t, i, j, g, joined):
            found.append((t.start(i), t.end(j - 1), "[NAME]"))
            last_name_end = t.end(j - 1)
        resume = j
    return found


def _is_name(t: _Words, i: int, j: int, g: Gazetteer, joined: bool) -> bool:
    keys = t.keys[i:j]
    before = _before(t, i)
    if before in TITLES or before in _CUES_BEFORE or joined:
        return True
    if any(k in g.first and k not in g.ambiguous for k in keys):
        return True
    after = _after(t, j)
    if j - i == 1 and after not in _ANY_AFTER:  # one word, no cue after: only "foreign" is left
        return (i > 0 and not _FULL_STOP.search(t.gap(i)) and _foreign(keys[0])
                and _plain_case(t.words[i]))
    initial = _starts_sentence(t, i)
    foreign = [_foreign(k) and _plain_case(w) for k, w in zip(keys, t.words[i:j])]
    if any(foreign) and (i > 0 and not _FULL_STOP.search(t.gap(i)) or len(keys) >= 2):
        return True  # "... why Vyanjana marked it", "Udyati Raja and": words that are no English
    listed = [k in g.first or k in g.surnames or f for k, f in zip(keys, foreign)]
    if not any(listed) and all(_plural(k) for k in keys):
        return False  # "Networks rang me back": a team; only a title or a cue makes it a name
    if len(keys) >= 2 and sum(listed) >= 2 and not all(k in g.ambiguous for k in keys):
        return True  # "Will Turner", "Priya Patel": two name words side by side
    if after in _CUES_AFTER and not initial and not all(k in g.ambiguous for k in keys):
        return True  # "... and Aoife sorted it"
    if after in _CUES_AFTER and after not in _WEAK_AFTER and (len(keys) >= 2 or all(listed)):
        return True  # "Aoife Byrne sorted it", "Will fixed it"
    if after in _HUMAN_ACTS:
        return True
    if after in ("was", "is") and _trait_follows(t, j):
        return True  # "Pavani was really patient"
    if _AT_DESK.match(t.text, t.end(j - 1)):
        return True
    if len(keys) >= 2 and not any(k in g.ambiguous for k in keys) and (
            after in _CUES_AFTER or t.words[j - 1].endswith(_POSSESSIVE)):
        return True  # "Farhan Balasubramanian on the phone", "Blanka Mordal's team"
    return False


def _after(t: _Words, j: int) -> str:
    """The word right after a group ("Dave sorted"), or "who" after a comma ("Connor, who")."""
    if j >= len(t.keys):
        return ""
    gap = t.gap(j)
    if gap.strip() == "":
        return t.keys[j]
    return "who" if gap == ", " and t.keys[j] == "who" else ""


def _trait_follows(t: _Words, j: int) -> bool:
    following = t.keys[j + 1:j + 3]
    if following and following[0] in _ADVERBS:
        following = following[1:]
    return bool(following) and following[0] in _TRAITS


def _before(t: _Words, i: int) -> str:
    """The cue before word i: a title, a single cue word, or 'to-spoke'-style pairs."""
    if i == 0:
        return ""
    gap = t.gap(i)
    if gap.strip(" ,.") or len(gap) > 3:
        return ""
    one = t.keys[i - 1]
    if one in TITLES or (one in _CUES_BEFORE and one not in _PAIRED):
        return one
    if one in _PAIRED and i >= 2 and t.gap(i - 1) == " ":
        pair = f"{one}-{t.keys[i - 2]}"
        if pair in _CUES_BEFORE:
            return pair
    return ""


def _starts_sentence(t: _Words, i: int) -> bool:
    if i == 0:
        return True
    return bool(_SENTENCE_END.search(t.gap(i)))


def _joined(t: _Words, last_end: int, i: int, j: int, g: Gazetteer) -> bool:
    """'Dave and Sue', 'Dave, Sue': a name list goes on."""
    gap = t.text[last_end:t.start(i)]
    if gap in (" and ", " & ", " or ", " then "):
        return True
    return gap == ", " and any(k in g.first for k in t.keys[i:j])


def _lower_case_name(t: _Words, i: int, g: Gazetteer) -> bool:
    """'thanks dave', 'cheers udyati': a listed, unambiguous first name or a word that is no
    English word, in lower case, right after a cue."""
    key = t.keys[i]
    if key in g.ambiguous or key in g.never or not t.words[i].islower():
        return False
    if key not in g.first and not _foreign(key):
        return False
    cue = _before(t, i)
    return cue in _CUES_BEFORE and cue not in ("by", "with", "called", "named")
