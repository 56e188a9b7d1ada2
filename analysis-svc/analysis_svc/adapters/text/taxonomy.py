"""Curated IT-service themes: readable phrase lists, matched word by word on Snowball stems."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nltk.stem.snowball import EnglishStemmer

from .redaction import PLACEHOLDER  # every placeholder redaction writes

_STEMMER = EnglishStemmer()
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str
    terms: tuple[str, ...]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem: 'called'/'calls' -> 'call', 'chasing' -> 'chase'."""
    return _STEMMER.stem(word)


def _words(text: str) -> list[str]:
    if "[" in text:
        text = PLACEHOLDER.sub(" ", text)
    return _WORD.findall(text.lower())


def _theme(id: str, label: str, description: str, terms: str) -> Theme:
    return Theme(id, label, description, tuple(t.strip() for t in terms.split(",") if t.strip()))


TAXONOMY: tuple[Theme, ...] = (
    _theme("speed", "Speed", "How long it took: waits, delays, quick fixes.",
           "quick, fast, slow, prompt, promptly, swift, speedy, wait, waited, delay, took ages, took forever, "
           "same day, within the hour, straight away, immediately, turnaround, response time, "
           "on hold, queue, long time, too long, in no time, in minutes, days, weeks, fortnight"),
    _theme("communication", "Communication", "Updates, explanations and being kept informed.",
           "update, kept me informed, kept me updated, in the loop, communication, explain, explanation, "
           "let me know, told, jargon, plain english, instructions, informed, no reply, no response, "
           "talked me through"),
    _theme("resolution_quality", "Resolution quality", "Whether the fix worked and lasted.",
           "fixed, sorted, resolved, solved, fix, not fixed, still not working, working again, "
           "workaround, first time, came back, same problem, same issue, again, no fault found, "
           "broken, still broken, still waiting, up and running, closed, reopened, made worse"),
    _theme("staff_attitude", "Staff attitude", "How the people dealing with it behaved.",
           "friendly, polite, rude, helpful, unhelpful, patient, professional, kind, lovely, "
           "knowledgeable, attitude, manner, condescending, listened, cared, a star, chap, lady, "
           "courteous, understanding, made me feel"),
    _theme("self_service_portal", "Self-service and portal", "The portal, online forms, guides and chatbot.",
           "portal, self service, self-service, online form, form, knowledge base, chatbot, chat, "
           "guide, article, website, intranet"),
    _theme("equipment", "Equipment", "Laptops, phones, printers and other devices.",
           "laptop, monitor, screen, printer, keyboard, mouse, headset, docking station, dock, charger, "
           "phone, mobile, tablet, scanner, toner, cable, hardware, pc, desktop, device, webcam, kit"),
    _theme("remote_access", "Remote access", "VPN, Citrix, remote desktop and working from home.",
           "vpn, remote access, remote desktop, citrix, from home, hybrid, home working, rdp, "
           "remote session, remotely, always on"),
    _theme("accounts_passwords", "Accounts and passwords", "Log-ins, passwords, MFA, permissions, starters and leavers.",
           "password, account, locked out, unlock, mfa, authenticator, two factor, login, log in, "
           "sign in, permission, access to, reset, new starter, starter, leaver, username, mailbox access"),
    _theme("follow_up", "Follow-up", "Call-backs, chasing and checking afterwards.",
           "call back, called back, callback, rang back, ring back, follow up, followed up, chase, "
           "get back to, got back to, check, nobody called, nobody rang, heard back"),
    _theme("software", "Software and applications", "Office apps, line-of-business systems, installs and licences.",
           "outlook, teams, excel, sharepoint, onedrive, adobe, install, licence, license, "
           "application, software, upgrade, windows, browser, chrome, spreadsheet, system, ms word"),
    _theme("network", "Network and connectivity", "Wi-Fi, internet, shared drives and outages.",
           "wifi, wi-fi, internet, network, connection, connectivity, shared drive, outage, offline, "
           "went down, is down, been down, was down"),
    _theme("service_desk_access", "Reaching the service desk", "Getting through: phone lines, hours, walk-in.",
           "phone line, on hold, opening hours, desk hours, walk-in, walk in, hub, out of hours, "
           "get through, engaged, cut off, hold music, service desk"),
)
_BY_ID = {t.id: t for t in TAXONOMY}
_ORDER = {t.id: i for i, t in enumerate(TAXONOMY)}
# first stem -> [(all stems of the term, theme id)], longest terms first
_INDEX: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _t in TAXONOMY:
    for _term in _t.terms:
        _stems = tuple(stem(w) for w in _words(_term))
        _INDEX.setdefault(_stems[0], []).append((_stems, _t.id))
for _entries in _INDEX.values():
    _entries.sort(key=lambda e: -len(e[0]))


_STEMS: dict[str, str] = {}


def _stems(words: list[str]) -> list[str]:
    out = list(map(_STEMS.get, words))  # the loop in C: words are nearly always known
    if None in out:
        out = [_new_stem(w) if s is None else s for w, s in zip(words, out)]
    return out


def _new_stem(word: str) -> str:
    found = stem(word)
    if len(_STEMS) < 200_000:
        _STEMS[word] = found
    return found


def _matches(text: str) -> list[tuple[str, str]]:
    """(theme id, matched words) for every term occurrence, comparing stems word by word."""
    words = _words(text)
    stems = _stems(words)
    if _INDEX.keys().isdisjoint(stems):
        return []
    found = []
    for i, first in enumerate(stems):
        for term, theme_id in _INDEX.get(first, ()):
            if tuple(stems[i:i + len(term)]) == term:
                found.append((theme_id, " ".join(words[i:i + len(term)])))
    return found


def match_themes(text: str | None) -> list[str]:
    """Taxonomy ids whose terms occur in text, in taxonomy order."""
    if not text:
        return []
    return sorted({theme_id for theme_id, _ in _matches(text)}, key=_ORDER.__getitem__)


def explain_themes(text: str | None) -> dict[str, list[str]]:
    """For each matched theme, the words that matched: what a reviewer can check."""
    if not text:
        return {}
    found: dict[str, list[str]] = {}
    for theme_id, words in _matches(text):
        found.setdefault(theme_id, []).append(words)
    return {k: found[k] for k in sorted(found, key=_ORDER.__getitem__)}


def theme(id: str) -> Theme:
    """The taxonomy entry with this id."""
    return _BY_ID[id]
