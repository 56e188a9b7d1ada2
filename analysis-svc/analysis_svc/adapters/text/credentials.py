"""Secrets typed into comments: passwords, PINs, and API keys or tokens that look like random strings.

Every pattern is a run of bounded, non-nested repetitions, so it runs in linear time on any input.
"""
from __future__ import annotations

import math
import re
from collections import Counter

Span = tuple[int, int, str]

_KEYWORD = (
    r"\b(?:pass(?:word|wd|code|phrase)|pwd|pw|pin(?:\s(?:number|code|no))?|passcode|"
    r"log-?in(?:\sdetails)?|credentials?|otp|one[\s-]time\s(?:code|password)|"
    r"(?:api|access|secret|private)\s?key|token|secret)"
)
# "password is X", "password: X", "password was reset to X", "PIN 1234", "password (X)".
_LINK = (
    r"(?:(?:\s(?:is|was|are|were|now|still|set|reset|changed|changing|to|of|as|=|being|'s))"
    r"{0,3}\s?[:=\-]?\s?[\"'“‘(]?)"
)
_SECRET_AFTER_KEYWORD = re.compile(
    rf"(?i:{_KEYWORD}){_LINK}(?P<value>[^\s\"'”’)]{{1,64}})"
)
_VALUE_TRAIL = ".,;:!?"
# Words after "password" that are the sentence, not the secret ("my password is expired").
_ORDINARY = frozenset("""
a an the my your his her our their its it this that not no now new old same wrong correct right
expired expiring locked working broken reset changed change changing set still being again also
and or but so then too very just only never always please thanks thank for from with without
in on at by up down out off over into onto about after before when while if i me we you they
is was are were be been has had have do does did will would can could should must may might
required needed needs accepted rejected invalid valid incorrect strong weak simple complex long
short manager policy problem problems issue issues error errors prompt prompts screen box field
which who what where why how again, fine ok okay done sorted fixed unlocked blocked ready
""".split())
_MIXED = re.compile(r"\d|[^\w\s]|[a-z][A-Z]")
# A long unbroken run of key-like characters: candidates for an API key or token. Unbounded but
# linear: the look-behind lets a match start only where a run starts, and one class has one way.
_TOKEN_RUN = re.compile(r"(?<![\w\-+/=.~])[\w\-+/=.~]{20,}")
_LONG_CHUNK = re.compile(r"\S{20}")
_WORDISH = re.compile(r"[A-Za-z]{4,}")
_KNOWN_PREFIX = re.compile(r"^(?:sk|pk|rk|ghp|gho|ghu|ghs|github_pat|xox[abprs]|AKIA|ASIA|AIza|eyJ|glpat)[-_]?")


_HINTS = ("pass", "pw", "pin", "log", "cred", "otp", "time", "key", "token", "secret")
# In ASCII text (?i:) is plain ASCII case folding, so the keywords themselves can be looked for:
# "time" and "key" alone are everyday words ("sometimes", "keyboard").
_ASCII_HINTS = ("pass", "pw", "pin", "login", "log-in", "cred", "otp", "token", "secret")
_KEY_OWNERS = ("api", "access", "private")  # "secret key" is found by "secret"


def _may_hold_password(text: str) -> bool:
    """False when no keyword can be in text: a substring test is far cheaper than the scan."""
    lower = text.lower()
    if not text.isascii():
        return any(hint in lower for hint in _HINTS)
    return (any(hint in lower for hint in _ASCII_HINTS) or ("time" in lower and "code" in lower)
            or ("key" in lower and any(owner in lower for owner in _KEY_OWNERS)))


def password_spans(text: str) -> list[Span]:
    """The value after a password/PIN/key word, when it looks like one."""
    if not _may_hold_password(text):
        return []
    found = []
    for m in _SECRET_AFTER_KEYWORD.finditer(text):
        value = m.group("value")
        stripped = value.rstrip(_VALUE_TRAIL)
        if not stripped or stripped.startswith("["):
            continue
        explicit = bool(re.search(r"[:=\"'“‘(]\s?$", m.group(0)[: m.start("value") - m.start()]))
        if _is_secret(stripped, explicit):
            # "Hunter2!" keeps its "!" (it may be part of it); a full stop ends the sentence.
            keep = value if value[-1:] == "!" and _MIXED.search(value[:-1]) else stripped
            found.append((m.start("value"), m.start("value") + len(keep), "[SECRET]"))
    return found


def _is_secret(value: str, explicit: bool) -> bool:
    if value.lower() in _ORDINARY or value.lower().rstrip("s") in _ORDINARY:
        return False
    if value.isdigit():
        return 4 <= len(value) <= 12
    if explicit:
        return len(value) >= 3
    return bool(_MIXED.search(value)) and len(value) >= 4


def token_spans(text: str) -> list[Span]:
    """Long random-looking strings (API keys, tokens, hashes): letters and digits, high entropy."""
    if not _LONG_CHUNK.search(text):  # a run never spans whitespace
        return []
    found = []
    for m in _TOKEN_RUN.finditer(text):
        run = m.group(0).rstrip(".")
        if _looks_random(run):
            found.append((m.start(), m.start() + len(run), "[SECRET]"))
    return found


def _looks_random(run: str) -> bool:
    if "://" in run or run.count(".") > 2 or run.count("/") > 2:
        return False  # a path, a domain or a dotted version
    letters = sum(c.isalpha() for c in run)
    digits = sum(c.isdigit() for c in run)
    if _KNOWN_PREFIX.match(run):
        return True
    if not letters or not digits:
        return False
    if sum(len(w) for w in _WORDISH.findall(run)) > 0.6 * len(run):
        return False  # words with a number or two: a file or host name, not a key
    counts = Counter(run)
    entropy = -sum(n / len(run) * math.log2(n / len(run)) for n in counts.values())
    return entropy >= 3.5
