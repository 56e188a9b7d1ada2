"""nltk's VADER with the vaderSentiment wheel's lexicon, a faster tokeniser and IT-service rules."""
from __future__ import annotations

import os
import re
import string
from functools import lru_cache
from pathlib import Path

import nltk.data
import vaderSentiment
from nltk.sentiment.vader import SentimentIntensityAnalyzer, VaderConstants

from .phrases import PhraseRules, read_tsv

from .redaction import PLACEHOLDER  # every placeholder redaction writes

_STRIP = string.punctuation
_MENTION = re.compile(r"(?<![\w@])@\w+")
_URL = re.compile(r"(?:\bhttps?://|\bwww\.)\S+", re.IGNORECASE)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_ELONGATED = re.compile(r"([A-Za-z])\1{2,}")
# An emoticon glued to the word before it ("great:)") would be stripped as punctuation.
_GLUED_EMOTICON = re.compile(r"(?<=[A-Za-z])([:;=]-?[()DPp/]|<3)(?!\w)")


def _hashtag_words(match: re.Match) -> str:
    """'#NotHappy' -> 'Not Happy', '#fail' -> 'fail' (VADER's advice: score the words, not the tag)."""
    return " " + _CAMEL.sub(" ", match.group(1)) + " "


def lexicon_path() -> Path:
    """The VADER lexicon shipped inside the vaderSentiment wheel (no downloads)."""
    return Path(vaderSentiment.__file__).parent / "vader_lexicon.txt"


def plain_nltk_vader() -> SentimentIntensityAnalyzer:
    """Unmodified nltk VADER on the wheel's lexicon: the baseline."""
    path = lexicon_path()
    if str(path.parent) not in nltk.data.path:
        nltk.data.path.append(str(path.parent))
    return SentimentIntensityAnalyzer(lexicon_file="file:" + os.fspath(path))


def emoji_path() -> Path:
    """VADER's emoji descriptions, shipped inside the vaderSentiment wheel."""
    return Path(vaderSentiment.__file__).parent / "emoji_utf8_lexicon.txt"


def _emoji_lexicon() -> dict[str, str]:
    path = emoji_path()
    pairs = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {emoji: " " + desc.strip() + " " for emoji, desc in pairs}


class _FastConstants(VaderConstants):
    """nltk's constants with the same negation test, minus per-call set and generator overhead."""

    def __init__(self):
        super().__init__()
        self._negate = frozenset(w.lower() for w in self.NEGATE)

    def negated(self, input_words, include_nt=True):
        if len(input_words) == 1:
            word = input_words[0].lower()
            return word in self._negate or (include_nt and "n't" in word)
        return super().negated(input_words, include_nt)


class _Tokens:
    """The two attributes of nltk's SentiText that the scoring methods read."""

    __slots__ = ("words_and_emoticons", "is_cap_diff")

    def __init__(self, words: list[str]):
        self.words_and_emoticons = words
        caps = sum(map(str.isupper, words))
        self.is_cap_diff = 0 < len(words) - caps < len(words)


def tokenize(text: str) -> list[str]:
    """Split on whitespace and trim edge punctuation, keeping emoticons and contractions."""
    return [word if len(word := raw.strip(_STRIP)) > 1 else raw for raw in text.split() if len(raw) > 1]


class DomainVader(SentimentIntensityAnalyzer):
    """VADER scoring (nltk's rules) on normalised text with IT-service words and phrases."""

    def __init__(self):
        plain = plain_nltk_vader()
        self.lexicon_file = plain.lexicon_file
        self.constants = _FastConstants()
        self.lexicon = dict(plain.lexicon)
        for word, valence, *_ in read_tsv("it_lexicon.tsv"):
            self.lexicon[word] = float(valence)
        self.phrases = PhraseRules()
        self.lexicon.update(self.phrases.valences)
        self.emoji = _emoji_lexicon()
        # Curly quotes to straight, then each one-character emoji to its words, in one pass: only
        # single characters were ever looked up, and no emoji is a quote or an ASCII character.
        self._non_ascii = {ord(ch): words for ch, words in self.emoji.items() if len(ch) == 1} | _QUOTES

    def normalise(self, text: str) -> str:
        """Drop mentions, URLs and placeholders; split hashtags, map emoji, un-elongate words, phrases to tokens."""
        if "@" in text:
            text = _MENTION.sub(" ", text)
        if "http" in text or "www." in text:
            text = _URL.sub(" ", text)
        if "[" in text:
            text = PLACEHOLDER.sub(" ", text)
        if not text.isascii():
            text = text.translate(self._non_ascii)
        if "#" in text:
            text = _HASHTAG.sub(_hashtag_words, text)
        if ":" in text or ";" in text or "=" in text or "<" in text:
            text = _GLUED_EMOTICON.sub(r" \1", text)
        if _ELONGATED.search(text):
            text = " ".join(self._unelongate(w) if _ELONGATED.search(w) else w for w in text.split(" "))
        return self.phrases.apply(text)

    def _unelongate(self, word: str) -> str:
        """'sooo' -> 'so', 'goood' -> 'good': a run of three or more letters to two if that is a word, else one."""
        two = _ELONGATED.sub(r"\1\1", word)
        key = two.strip(_STRIP).lower()
        if key in self.lexicon or key in self.constants.BOOSTER_DICT:
            return two
        return _ELONGATED.sub(r"\1", word)

    def _never_check(self, valence, words, start_i, i):
        """nltk's check, with the and/or precedence fixed: upstream lets any "so"/"this"
        right before a word cancel an earlier negation ("wouldn't call this resolved")."""
        if start_i == 2:
            before = (words[i - 2].lower(), words[i - 1].lower())
            if words[i - 3].lower() == "never" and ("so" in before or "this" in before):
                return valence * 1.25
            if self.constants.negated([words[i - 3]]):
                return valence * self.constants.N_SCALAR
            return valence
        return super()._never_check(valence, words, start_i, i)

    def polarity_scores(self, text: str) -> dict[str, float]:
        """VADER scores of already-normalised text."""
        return self.score_valence(self._sentiments(text), text)

    def compound(self, text: str) -> float:
        """polarity_scores(text)["compound"], without the shares of each class nobody reads here."""
        sentiments = self._sentiments(text)
        if not sentiments:
            return 0.0
        total = float(sum(sentiments))
        emphasis = self._punctuation_emphasis(total, text)
        total = total + emphasis if total > 0 else total - emphasis if total < 0 else total
        return round(self.constants.normalize(total), 4)

    def _sentiments(self, text: str) -> list[float]:
        """nltk's per-word valences: zero for words outside the lexicon and for boosters, and each
        word scored at its first occurrence (as nltk does); then nltk's "but" rule."""
        words = tokenize(text)
        lowers = list(map(str.lower, words))
        sentiments: list[float] = [0] * len(words)
        hits = self.lexicon.keys() & lowers
        if not hits:
            return sentiments
        sentitext = _Tokens(words)
        boosters = self.constants.BOOSTER_DICT
        first_index = dict(zip(reversed(words), range(len(words) - 1, -1, -1)))
        last = len(words) - 1
        for k, lower in enumerate(lowers):
            if lower not in hits or lower in boosters:
                continue
            i = first_index[words[k]]
            if lower == "kind" and i < last and lowers[i + 1] == "of":
                continue
            sentiments[k] = self.sentiment_valence(0, sentitext, words[k], i, [])[0]
        if "but" in lowers:
            but = lowers.index("but")
            sentiments = [v * 0.5 if k < but else v * 1.5 if k > but else v for k, v in enumerate(sentiments)]
        return sentiments


@lru_cache(maxsize=1)
def domain_vader() -> DomainVader:
    """One shared instance: building the lexicon and regexes is the slow part."""
    return DomainVader()
