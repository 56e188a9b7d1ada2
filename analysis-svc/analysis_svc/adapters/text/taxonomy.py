"""Curated IT-service themes matched by readable phrase lists with simple stemming."""
from __future__ import annotations

import re
from dataclasses import dataclass, field



_PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|POSTCODE|NI NUMBER|CARD|URL|NAME)\]")


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str
    terms: tuple[str, ...]
    pattern: re.Pattern = field(repr=False, compare=False, default=None)


def _word_pattern(word: str) -> str:
    """'call' also matches calls/called/calling; 'chase' matches chased/chasing."""
    if len(word) < 3 or not word.isalpha():
        return re.escape(word) + "s?"
    base = word[:-1] if word.endswith("e") else word
    return re.escape(base) + r"(?:" + re.escape(base[-1]) + r")?(?:e|es|ed|ing|s|ly|er|ers)?"


def _compile(terms: tuple[str, ...]) -> re.Pattern:
    phrases = sorted(terms, key=len, reverse=True)
    alts = [r"[\s-]+".join(_word_pattern(w) for w in p.lower().split()) for p in phrases]
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b", re.IGNORECASE)


def _theme(id: str, label: str, description: str, terms: str) -> Theme:
    words = tuple(t.strip() for t in terms.split(",") if t.strip())
    return Theme(id, label, description, words, _compile(words))


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


def match_themes(text: str | None) -> list[str]:
    """Taxonomy ids whose terms occur in text, in taxonomy order."""
    if not text:
        return []
    text = _PLACEHOLDER.sub(" ", text)
    return [t.id for t in TAXONOMY if t.pattern.search(text)]


def explain_themes(text: str | None) -> dict[str, list[str]]:
    """For each matched theme, the exact words that matched: what a reviewer can check."""
    if not text:
        return {}
    text = _PLACEHOLDER.sub(" ", text)
    found = {t.id: [m.group(0) for m in t.pattern.finditer(text)] for t in TAXONOMY}
    return {k: v for k, v in found.items() if v}


def theme(id: str) -> Theme:
    """The taxonomy entry with this id."""
    return _BY_ID[id]
