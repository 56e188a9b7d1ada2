"""Read a rating and a comment out of a person's email reply."""
import re
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
_PLUS_ADDRESS = re.compile(r"\bsurvey\+([0-9a-f]{32})@", re.IGNORECASE)


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


def invitation_from(addresses: list[str], body: str) -> str | None:
    """The invitation id from the plus-address, else from the "Survey reference" line."""
    for address in addresses:
        match = _PLUS_ADDRESS.search(address or "")
        if match:
            return match.group(1).lower()
    match = _REFERENCE.search(body or "")
    return match.group(1).lower() if match else None


def plain_text(raw: bytes) -> str:
    """The text/plain body, else the text of the HTML body, read within bounds (domain.mime)."""
    return read_mail(raw).text
