"""PII redaction for free-text comments: runs before anything else sees the text."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

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


def _intl_phone(match: re.Match) -> str:
    digits = sum(c.isdigit() for c in match.group(0))
    return "[PHONE]" if 8 <= digits <= 15 else match.group(0)


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _url(match: re.Match) -> str:
    url = match.group(0)
    stripped = url.rstrip(_URL_TRAIL)
    tail = url[len(stripped):]
    if _URL_USERINFO.search(stripped) or _SECRET_KEY.search(stripped) or _tokenish(stripped):
        return "[URL]" + tail
    return url


def _tokenish(url: str) -> bool:
    """A long segment mixing letters and digits: a bearer token."""
    for match in _TOKENISH.finditer(url):
        run = match.group(0)
        if any(c.isdigit() for c in run) and any(c.isalpha() for c in run):
            return True
    return False


def _card(match: re.Match) -> str:
    return "[CARD]" if _luhn_ok(match.group(0)) else match.group(0)


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


def redact(text: str, names: Iterable[str] = ()) -> str:
    """Replace personal data in text with placeholders such as [EMAIL] and [NAME]."""
    if not text:
        return text
    if "http" in text or "www." in text.lower():
        text = _URL.sub(_url, text)
    if "@" in text:
        text = _EMAIL.sub("[EMAIL]", text)
    if _DIGIT.search(text):
        # Each pattern needs so many digits; counting them (in C) skips the scans that cannot match.
        digits = len(text) - len(text.translate(_NO_DIGITS)) if text.isascii() else len(text)
        if digits >= 13:
            text = _CARD.sub(_card, text)
        if digits >= 6:
            text = _NI.sub("[NI NUMBER]", text)
        text = _POSTCODE.sub("[POSTCODE]", text)
        if digits >= 7:
            text = _PHONE.sub("[PHONE]", text)
            text = _INTL_PHONE.sub(_intl_phone, text)
        text = _STREET.sub("[ADDRESS]", text)
    pattern = _name_pattern(tuple(n for n in names if n)) if names else None
    if pattern is not None:
        text = pattern.sub("[NAME]", text)
    return text
