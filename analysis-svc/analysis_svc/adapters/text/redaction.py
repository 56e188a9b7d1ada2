"""PII redaction for free-text comments: runs before anything else sees the text.

Each detector finds spans in the original text; where two overlap, the earlier detector wins
(the order of DETECTORS); then each span becomes its placeholder.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

from . import credentials, identifiers
from .names import name_spans

Span = tuple[int, int, str]
# Every placeholder redaction writes; scoring and theme matching drop them (PLACEHOLDER).
PLACEHOLDERS = ("EMAIL", "PHONE", "POSTCODE", "NI NUMBER", "CARD", "URL", "NAME", "ADDRESS",
                "SECRET", "IP ADDRESS", "MAC ADDRESS", "DEVICE ID", "VEHICLE REG")
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(PLACEHOLDERS) + r")\]")

_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?)]}'\""
_URL_USERINFO = re.compile(r"^[a-z]+://[^/\s@]+@", re.IGNORECASE)
_SECRET_KEY = re.compile(
    r"[?&#;](?:[\w.-]*?(?:token|key|sig|signature|secret|password|passwd|pwd|auth|session|sid|"
    r"jwt|code|otp|credential|hash|nonce|ticket)[\w.-]*)=",
    re.IGNORECASE,
)
# A long path or query segment mixing letters and digits reads as a bearer token (e.g. /s/<token>).
# Whole runs only, checked for a digit and a letter in Python: lookaheads at every position
# were quadratic on a long link.
_TOKENISH = re.compile(r"(?<![A-Za-z0-9_\-.~%])[A-Za-z0-9_\-.~%]{20,}")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_CARD = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
_NI = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE
)
# 10 or 11 digit UK numbers: 0 or +44 / 0044 (optionally "(0)"), then 9-10 digits with single separators.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+44|0044)[ -]?(?:\(0\)[ -]?)?|\(?0)[1-9](?:[ -]|\)[ -]?)?(?:\d(?:[ -]|\)[ -]?)?){7,8}\d(?!\w)"
)
# Other countries: "+" and a country code, then 6-14 more digits in groups ("+33 1 23 45 67 89",
# "+1 (555) 123-4567"); and North American "(555) 123-4567" / "555-123-4567". One digit (or one
# bracketed group) per step, so a long run of digits has one way to match, not exponentially many.
_INTL_PHONE = re.compile(
    r"(?<![\w+])\+[1-9](?:[ .-]?(?:\(\d{1,4}\)|\d)){6,24}(?!\w)"
    r"|(?<![\w(])(?:\(\d{3}\)[ .-]?|\d{3}[.-])\d{3}[ .-]\d{4}(?!\w)"
)
# A house number and a street name without a postcode: "12 Acacia Avenue", "221b Baker St".
_STREET = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][a-z'’-]+\s+){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Cres|Court|Ct|Place|"
    r"Pl|Gardens|Gdns|Grove|Terrace|Square|Sq|Hill|Park|Row|Mews|Walk|View|Rise|Parade|"
    r"Boulevard|Blvd)\b\.?(?!\w)"
)
_DIGIT = re.compile(r"\d")
_NO_DIGITS = str.maketrans("", "", "0123456789")


def _intl_phone(match: re.Match) -> str | None:
    digits = sum(c.isdigit() for c in match.group(0))
    return "[PHONE]" if 8 <= digits <= 15 else None


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _url_spans(text: str) -> list[Span]:
    found = []
    for match in _URL.finditer(text):
        stripped = match.group(0).rstrip(_URL_TRAIL)
        if _URL_USERINFO.search(stripped) or _SECRET_KEY.search(stripped) or _tokenish(stripped):
            found.append((match.start(), match.start() + len(stripped), "[URL]"))
    return found


def _tokenish(url: str) -> bool:
    """A long segment mixing letters and digits: a bearer token."""
    for match in _TOKENISH.finditer(url):
        run = match.group(0)
        if any(c.isdigit() for c in run) and any(c.isalpha() for c in run):
            return True
    return False


def _card(match: re.Match) -> str | None:
    return "[CARD]" if _luhn_ok(match.group(0)) else None


@lru_cache(maxsize=1024)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """Full names in any case; single name parts only where capitalised, so 'will' survives 'Will'."""
    full, parts = set(), set()
    for name in names:
        words = name.split()
        if not words:
            continue
        if len(words) > 1:
            full.add(r"\s+".join(re.escape(w) for w in words))
        for w in words:
            if len(w) > 1:
                parts.update({w[:1].upper() + w[1:].lower(), w.upper(), w})
    if not full and not parts:
        return None
    alts = [f"(?i:{p})" for p in sorted(full, key=len, reverse=True)]
    alts += [re.escape(p) for p in sorted(parts, key=len, reverse=True)]
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?:'s)?(?!\w)")


@lru_cache(maxsize=1024)
def _name_probe(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], bool]:
    """What must be in a text for _name_pattern to match: its exact-case single parts, and the
    lower-case words of each full name (enough only where text and names are ASCII)."""
    parts = {p for name in names for w in name.split() if len(w) > 1
             for p in (w[:1].upper() + w[1:].lower(), w.upper(), w)}
    fulls = tuple(tuple(w.lower() for w in name.split()) for name in names if len(name.split()) > 1)
    return tuple(parts), fulls, all(name.isascii() for name in names)


def _requester_spans(text: str, names: tuple[str, ...]) -> list[Span]:
    """The requester's own names. Most comments never mention them, and compiling a pattern per
    requester costs far more than a comment's whole redaction: look for its words first."""
    parts, fulls, ascii_names = _name_probe(names)
    if not any(p in text for p in parts):
        if not fulls:
            return []
        if ascii_names and text.isascii():  # ASCII only: then (?i:) is plain ASCII case folding
            lower = text.lower()
            if not any(all(w in lower for w in words) for words in fulls):
                return []
    pattern = _name_pattern(names)
    return _spans(pattern, text, "[NAME]") if pattern is not None else []


def _spans(pattern: re.Pattern, text: str, placeholder: str | Callable[[re.Match], str | None]) -> list[Span]:
    found = []
    for match in pattern.finditer(text):
        mark = placeholder if isinstance(placeholder, str) else placeholder(match)
        if mark is not None:
            found.append((match.start(), match.end(), mark))
    return found


@lru_cache(maxsize=8)
def _asset_pattern(tag: str):
    return identifiers.asset_pattern(tag)


_asset_tag = identifiers.ASSET_TAG


def configure(asset_tag: str | None = None) -> None:
    """Set the asset-tag pattern (a regex for the tag itself, run by RE2; the default fits "LT-123456").

    Settings.asset_tag_pattern (REDACTION_ASSET_TAG) is checked at start-up; bootstrap calls this."""
    global _asset_tag
    _asset_tag = asset_tag or identifiers.ASSET_TAG
    _asset_pattern(_asset_tag)  # compile now: a bad pattern fails at start-up, not on a comment


def asset_tag() -> str:
    """The asset-tag pattern in use (part of the model version: it changes what is stored)."""
    return _asset_tag


def find(text: str, names: Iterable[str] = ()) -> list[Span]:
    """Every span of personal data in text as (start, end, placeholder), in text order."""
    if not text:
        return []
    return _first_wins(_pattern_spans(text) + _people_spans(text, names))


def _pattern_spans(text: str) -> list[Span]:
    """What the patterns find: links, addresses, numbers, secrets, identifiers (not names)."""
    found: list[Span] = []
    if "http" in text or "www." in text.lower():
        found += _url_spans(text)
    if "@" in text:
        found += _spans(_EMAIL, text, "[EMAIL]")
    found += credentials.password_spans(text)
    found += credentials.token_spans(text)
    if _DIGIT.search(text):
        # Each pattern needs so many digits; counting them (in C) skips the scans that cannot match.
        digits = len(text) - len(text.translate(_NO_DIGITS)) if text.isascii() else len(_DIGIT.findall(text))
        found += identifiers.mac_spans(text)
        found += identifiers.ip_spans(text)
        if digits >= 13:
            found += _spans(_CARD, text, _card)
        if digits >= 6:
            found += _spans(_NI, text, "[NI NUMBER]")
        found += _spans(_POSTCODE, text, "[POSTCODE]")
        if digits >= 7:
            found += _spans(_PHONE, text, "[PHONE]")
            found += _spans(_INTL_PHONE, text, _intl_phone)
        found += _spans(_STREET, text, "[ADDRESS]")
        found += identifiers.asset_spans(text, _asset_pattern(_asset_tag))
        found += identifiers.plate_spans(text)
    return found


def _people_spans(text: str, names: Iterable[str]) -> list[Span]:
    people = _requester_spans(text, tuple(n for n in names if n)) if names else []
    return _merged(people + name_spans(text))


def _merged(spans: list[Span]) -> list[Span]:
    """Overlapping name spans as one: the requester's 'Ian' inside 'Ian Marshall' takes the surname too."""
    out: list[Span] = []
    for start, end, mark in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]), mark)
        else:
            out.append((start, end, mark))
    return out


def _first_wins(spans: list[Span]) -> list[Span]:
    """Drop each span that overlaps one found before it; return the rest in text order."""
    kept: list[Span] = []
    taken = bytearray()
    for start, end, mark in spans:
        if len(taken) < end:
            taken.extend(bytes(end - len(taken)))
        if not any(taken[start:end]):
            taken[start:end] = b"\x01" * (end - start)
            kept.append((start, end, mark))
    return sorted(kept)


def coverage_statement() -> dict:
    """What redaction removes and does not, with the stored held-out figures (reports.privacy)."""
    from analysis_svc.reports.privacy import coverage_statement as statement
    return statement()


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Replace personal data in text with placeholders such as [EMAIL] and [NAME]."""
    return _spliced(text, find(text, names)) if text else text


def redact_many(items: Iterable[tuple[str, Iterable[str]]]) -> list[str]:
    """redact(text, names) for each pair, the patterns over the whole batch before the names:
    the same texts for less CPU, as each step's patterns and word lists stay in the caches."""
    items = list(items)
    patterns = [_pattern_spans(text) if text else [] for text, _ in items]
    people = [_people_spans(text, names) if text else [] for text, names in items]
    return [_spliced(text, _first_wins(p + q)) if text else text
            for (text, _), p, q in zip(items, patterns, people)]


def _spliced(text: str, spans: list[Span]) -> str:
    out, at = [], 0
    for start, end, mark in spans:
        out += [text[at:start], mark]
        at = end
    out.append(text[at:])
    return "".join(out)
