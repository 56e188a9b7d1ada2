"""Machine and vehicle identifiers in comments: IP and MAC addresses, asset tags, UK number plates.

Every pattern is a run of bounded, non-nested repetitions, so it runs in linear time on any input.
The asset-tag pattern is configurable (REDACTION_ASSET_TAG), so it runs on RE2, which takes only
patterns it can run in linear time (no backreferences or look-arounds) and none in worse.
"""
from __future__ import annotations

import ipaddress
import re

import re2

Span = tuple[int, int, str]

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\w.]){_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}(?:/\d{{1,2}})?(?![\w]|\.\d)")
# A version number reads like an address ("version 1.2.3.4"): left alone after these words.
_VERSION_BEFORE = re.compile(r"(?:version|ver|build|v|release|firmware|driver)[\s.:]*$", re.IGNORECASE)
# Candidates only: hex digits, colons and dots; ipaddress decides.
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{2,44}(?:/\d{1,3})?(?![\w:])")
# Each pattern that the scan tries at every position starts with a plain character class and
# looks behind only after it ("(?<!x.)" after the first character is "(?<!x)" before it): re
# then skips to the next possible first character in C instead of testing every position.
_MAC = re.compile(
    r"[0-9A-Fa-f](?:(?<![\w:-].)[0-9A-Fa-f]([:-])[0-9A-Fa-f]{2}\1[0-9A-Fa-f]{2}\1[0-9A-Fa-f]{2}\1"
    r"[0-9A-Fa-f]{2}\1[0-9A-Fa-f]{2}(?![\w:-])"
    r"|(?<![\w.].)[0-9A-Fa-f]{3}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![\w.]))"
)
# Asset tags only after a word that says what they are, so ticket references ("INC0012345") stay.
# The tag itself is configurable (ASSET_TAG default below); the context words are not.
ASSET_TAG = r"[A-Z]{2,4}-?\d{4,8}"
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a bad pattern is reported once, by linear_tag's ValueError
# The end of a tag: RE2 has no look-ahead, so the next character (not a letter, digit, _ or -)
# or the end of the text is matched instead; the tag is group 1.
_TAG_END = r"(?:[^\pL\pN_-]|\z)"
_ASSET_CONTEXT = (
    r"(?i:\b(?:asset(?:\s(?:tag|no|number|id))?|tag|laptop|desktop|pc|device|machine|serial(?:\s(?:no|number))?|"
    r"s/n|computer|tablet|phone|monitor|dock(?:ing station)?|printer)(?:\s(?:is|was|number|no|tag|id))?"
    r"[\s:#.=]{1,3}(?:no\.?\s)?)"
)
# Current plates (2001-): two letters, the age identifier, three letters: "AB12 CDE".
_PLATE_CURRENT = r"[A-HJ-PR-Y][A-HJ-PR-Y](?:0[2-9]|[1-7]\d) ?[A-HJ-PR-Z]{3}"
# Older prefix ("A123 BCD", 1983-2001) and suffix ("ABC 123D", 1963-83) forms, which collide with
# part numbers, are taken only after a vehicle word.
_PLATE_OLD = r"[A-HJ-NP-Y]\d{1,3} ?[A-Z]{3}|[A-Z]{3} ?\d{1,3}[A-HJ-NP-Y]"
_VEHICLE_CONTEXT = (
    r"(?i:\b(?:reg(?:istration)?(?:\s(?:no|number|plate))?|number\splate|plate|car|van|vehicle|"
    r"pool\scar|parked|parking)(?:\s(?:is|was|number|no))?[\s:#.=]{1,3})"
)
_PLATE_ANYWHERE = re.compile(  # _PLATE_CURRENT after (?<![\w-]), first character first (see _MAC)
    r"[A-HJ-PR-Y](?<![\w-].)[A-HJ-PR-Y](?:0[2-9]|[1-7]\d) ?[A-HJ-PR-Z]{3}(?![\w-])")
# The context words in lower case: in ASCII text (where (?i:) is plain ASCII case folding) a
# pattern needing one cannot match when none is there, and a substring test is far cheaper.
_ASSET_WORDS = ("asset", "tag", "laptop", "desktop", "pc", "device", "machine", "serial", "s/n",
                "computer", "tablet", "phone", "monitor", "dock", "printer")
_VEHICLE_WORDS = ("reg", "plate", "car", "van", "vehicle", "park")
_PLATE_IN_CONTEXT = re.compile(
    rf"{_VEHICLE_CONTEXT}((?i:{_PLATE_CURRENT}|{_PLATE_OLD}))(?![\w-])"
)


def asset_pattern(tag: str = ASSET_TAG):
    """The asset-tag pattern for a tag regex, compiled by RE2 (linear time on any input)."""
    return re2.compile(rf"{_ASSET_CONTEXT}((?i:{linear_tag(tag)})){_TAG_END}", _RE2_OPTIONS)


def linear_tag(tag: str) -> str:
    """tag if it is a regex RE2 runs (so in linear time) and that cannot match nothing; else ValueError."""
    try:
        compiled = re2.compile(tag, _RE2_OPTIONS)
    except re2.error as err:
        reason = err.args[0].decode() if err.args and isinstance(err.args[0], bytes) else str(err)
        raise ValueError(f"must be a regular expression RE2 accepts (linear time: no backreferences "
                         f"or look-arounds): {reason}") from None
    if compiled.fullmatch("") is not None:
        raise ValueError(f"must not match an empty string, got {tag!r}")
    return tag


def ip_spans(text: str) -> list[Span]:
    """IPv4 (with an optional /prefix) and IPv6 addresses."""
    found = []
    if text.count(".") >= 3:
        for m in _IPV4.finditer(text):
            if not _VERSION_BEFORE.search(text, max(0, m.start() - 12), m.start()):
                found.append((m.start(), m.end(), "[IP ADDRESS]"))
    if text.count(":") >= 2:
        for m in _IPV6.finditer(text):
            address = m.group(0).rstrip(".").split("/")[0]
            if _is_ipv6(address):
                found.append((m.start(), m.start() + len(m.group(0).rstrip(".")), "[IP ADDRESS]"))
    return found


def _is_ipv6(candidate: str) -> bool:
    if sum(c in "0123456789abcdefABCDEF" for c in candidate) < 2:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def mac_spans(text: str) -> list[Span]:
    """MAC addresses: 00:1A:2B:3C:4D:5E, 00-1A-..., and Cisco's 001a.2b3c.4d5e."""
    if text.count(":") < 5 and text.count("-") < 5 and text.count(".") < 2:
        return []  # each form needs five separators of one kind, or two dots
    return [(m.start(), m.end(), "[MAC ADDRESS]") for m in _MAC.finditer(text)]


def _none_of(words: tuple[str, ...], text: str) -> bool:
    """True when text is ASCII and holds none of these lower-case words in any case."""
    if not text.isascii():
        return False
    lower = text.lower()
    return not any(word in lower for word in words)


def asset_spans(text: str, pattern) -> list[Span]:
    """Asset tags after 'asset', 'tag', 'laptop', 'serial' and similar words: only the tag goes.

    pattern is one asset_pattern() made: its context words are _ASSET_WORDS.
    """
    if _none_of(_ASSET_WORDS, text):
        return []
    return [(m.start(1), m.end(1), "[DEVICE ID]") for m in pattern.finditer(text)]


def plate_spans(text: str) -> list[Span]:
    """UK number plates: the current format in capitals anywhere, any format after a vehicle word."""
    found = [(m.start(), m.end(), "[VEHICLE REG]") for m in _PLATE_ANYWHERE.finditer(text)]
    if not _none_of(_VEHICLE_WORDS, text):
        found += [(m.start(1), m.end(1), "[VEHICLE REG]") for m in _PLATE_IN_CONTEXT.finditer(text)]
    return found
