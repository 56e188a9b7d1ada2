"""Read a rating and a comment out of a person's email reply."""
import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest_svc.domain.mime import read_mail
from ingest_svc.domain.model import MAX_COMMENT

_WORDS = [  # longest phrases first, so "very dissatisfied" wins over "dissatisfied"
    ("neither satisfied nor dissatisfied", 3),
    ("very dissatisfied", 1),
    ("very satisfied", 5),
    ("dissatisfied", 2),
    ("satisfied", 4),
    ("neutral", 3),
]
_QUOTE_HEADER = re.compile(r"^(on .+wrote:|-----\s*original message\s*-----|from:\s.+|sent from my .+)$",
                           re.IGNORECASE)
_SIGNATURE = re.compile(r"^(--|__+|—)\s*$")
_REFERENCE = re.compile(r"survey reference:\s*([0-9a-f]{32})", re.IGNORECASE)
# survey+<invitation id>.<tag>@: the tag (chassis.auth.reply_tag) proves the sender had the mail.
_PLUS_ADDRESS = re.compile(r"\bsurvey\+([0-9a-f]{32})(?:\.([0-9a-z]{1,64}))?@", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedReply:
    score: int | None
    comment: str | None


def strip_history(body: str) -> list[str]:
    """The lines the person wrote: quoted history and signatures removed."""
    lines = []
    for line in body.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if not stripped:  # blank lines skip the patterns: a flood of them stays cheap
            lines.append("")
            continue
        if _QUOTE_HEADER.match(stripped) or _SIGNATURE.match(stripped):
            break
        if stripped.startswith(">"):
            continue
        lines.append(line.rstrip())
    while lines and not lines[-1].strip():
        lines.pop()
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    return lines[first:]  # one slice: pop(0) per blank line was quadratic in a flood of them


def rating_from_line(line: str) -> int | None:
    """A score from "4", "4 - good", "Very satisfied" and the like; None if there is none."""
    text = line.strip().lower()
    match = re.match(r"^([1-5])(?!\d)(\s*(/\s*5|out of 5))?\b", text)
    if match:
        return int(match.group(1))
    for phrase, score in _WORDS:
        if text.startswith(phrase):
            return score
    return None


def parse_reply(body: str) -> ParsedReply:
    lines = strip_history(body)
    if not lines:
        return ParsedReply(None, None)
    score = rating_from_line(lines[0])
    rest = lines[1:] if score is not None else lines
    comment = "\n".join(rest).strip() or None
    if comment is not None:
        comment = comment[:MAX_COMMENT]
    return ParsedReply(score, comment)


@dataclass(frozen=True)
class ReplyAddress:
    """The invitation a reply address names, and the tag it carries (None: the untagged form)."""

    invitation_id: str
    tag: str | None


def reply_addresses(addresses: list[str]) -> list[ReplyAddress]:
    """Every survey+<id>[.<tag>]@ address among the recipients, in order."""
    return [ReplyAddress(m.group(1).lower(), m.group(2).lower() if m.group(2) else None)
            for address in addresses for m in _PLUS_ADDRESS.finditer(address or "")]


def invitation_from(addresses: list[str], body: str,
                    tag_valid: Callable[[str, str], bool]) -> tuple[str | None, str | None]:
    """(the invitation a reply names, why it cannot answer it, or None). Only an address whose
    tag is valid matches; the old untagged survey+<id>@ and the body's "Survey reference" line
    only tell the reviewer which invitation was meant."""
    found = reply_addresses(addresses)
    for address in found:
        if address.tag is not None and tag_valid(address.invitation_id, address.tag):
            return address.invitation_id, None
    if found:
        first = found[0]
        return first.invitation_id, ("reply address with a wrong tag" if first.tag
                                     else "reply address without its tag")
    match = _REFERENCE.search(body or "")
    if match:
        return match.group(1).lower(), "reply address without its tag"
    return None, "no survey reference"


def plain_text(raw: bytes) -> str:
    """The text/plain body, else the text of the HTML body, read within bounds (domain.mime)."""
    return read_mail(raw).text
