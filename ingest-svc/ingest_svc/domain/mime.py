"""Read an email within fixed bounds. The email package costs far more than a message's size on
hostile input (its structured headers are quadratic, its multipart parser works line by line and
recurses), so the structure is walked here with byte searches, and only small pieces (each
part's header block, one text part) reach the email package, parsed with compat32."""
import codecs
import email.message
import email.parser
import email.policy
from dataclasses import dataclass

from ingest_svc.domain.html_text import html_text

MAX_HEADER_BLOCK = 64 * 1024  # the message's own headers (long Received/DKIM chains fit)
MAX_PART_HEADERS = 4 * 1024
MAX_FIELD = 998  # RFC 5322's line limit, for the fields parsed for their structure
MAX_COMMENT_DEPTH = 8  # "(((…" in From: the address parser recurses once per level
MAX_PARTS = 64
MAX_DEPTH = 8
MAX_ENCODED = 512 * 1024  # of the chosen text part, before transfer decoding
MAX_TEXT = 64 * 1024  # characters of body text: the person's words are at the top
# Text codecs that are no mail charset and decode in worse than linear time or to code.
_NOT_CHARSETS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape"})
_HEADERS = email.parser.BytesHeaderParser(policy=email.policy.compat32)


class Unreadable(ValueError):
    """A message that cannot be read within bounds; str() is the reason kept for review."""


@dataclass(frozen=True)
class Mail:
    headers: email.message.Message  # the message's header fields (compat32: raw strings)
    text: str  # the text/plain body, else the text of the HTML body; at most MAX_TEXT characters


def read_mail(raw: bytes) -> Mail:
    """The header fields and body text of a raw RFC 5322 message, or Unreadable with why."""
    headers, body = _header_block(raw, MAX_HEADER_BLOCK)
    _check_field(headers, "From")
    plain, html = _text_parts(headers, body)
    if plain is not None:
        return Mail(headers, _decoded(*plain)[:MAX_TEXT])
    if html is not None:
        return Mail(headers, html_text(_decoded(*html)[:MAX_TEXT]))
    return Mail(headers, "")


def _header_block(data: bytes, limit: int) -> tuple[email.message.Message, bytes]:
    """(the parsed header fields, the body) of a message or a part."""
    if data.startswith((b"\r\n", b"\n")):
        return _HEADERS.parsebytes(b""), data[data.index(b"\n") + 1:]
    ends = [i for i in (data.find(b"\n\n", 0, limit + 2), data.find(b"\n\r\n", 0, limit + 3)) if i != -1]
    if not ends:
        if len(data) > limit:
            raise Unreadable("headers too large")
        return _HEADERS.parsebytes(data), b""
    end = min(ends)
    if end > limit:
        raise Unreadable("headers too large")
    return _HEADERS.parsebytes(data[:end + 1]), data[end + (2 if data[end + 1:end + 2] == b"\n" else 3):]


def _check_field(headers, name: str) -> None:
    value = str(headers.get(name) or "")
    if len(value) > MAX_FIELD:
        raise Unreadable(f"{name} header too long")
    depth = deepest = 0
    for char in value:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")" and depth:
            depth -= 1
    if deepest > MAX_COMMENT_DEPTH:
        raise Unreadable(f"{name} header nested too deep")


def _text_parts(headers, body: bytes):
    """((headers, body) of the first text/plain part, of the first text/html part), each or None;
    attachments and attached messages are not the person's reply."""
    plain = html = None
    pending, parts = [(headers, body, 0)], 0
    while pending:
        part_headers, part_body, depth = pending.pop()
        _check_field(part_headers, "Content-Type")
        kind = part_headers.get_content_type()
        if kind.startswith("multipart/"):
            if depth >= MAX_DEPTH:
                raise Unreadable("multipart nested too deep")
            children = _split(part_body, part_headers.get_boundary())
            parts += len(children)
            if parts > MAX_PARTS:
                raise Unreadable("too many parts")
            pending.extend((*_header_block(child, MAX_PART_HEADERS), depth + 1)
                           for child in reversed(children))
        elif part_headers.get_content_disposition() != "attachment":
            if kind == "text/plain" and plain is None:
                plain = (part_headers, part_body)
            elif kind == "text/html" and html is None:
                html = (part_headers, part_body)
    return plain, html


def _split(body: bytes, boundary: str | None) -> list[bytes]:
    """The parts between a multipart body's delimiter lines (RFC 2046), at most MAX_PARTS + 1."""
    if not boundary or len(boundary) > 200:
        raise Unreadable("multipart without a usable boundary")
    marker = b"\n--" + boundary.encode("ascii", "surrogateescape")
    body = b"\n" + body
    starts, closed = [], False
    at = body.find(marker)
    while at != -1 and len(starts) <= MAX_PARTS + 1:
        line_end = body.find(b"\n", at + len(marker))
        starts.append((at, len(body) if line_end == -1 else line_end + 1))
        closed = body.startswith(b"--", at + len(marker))
        if closed:
            break
        at = body.find(marker, at + len(marker))
    if starts and not closed:  # a missing close delimiter: the last part runs to the end
        starts.append((len(body), len(body)))
    children = []
    for (_, content_start), (next_at, _) in zip(starts, starts[1:]):
        content_end = next_at - 1 if body[next_at - 1:next_at] == b"\r" else next_at
        children.append(body[content_start:max(content_start, content_end)])
    return children


def _decoded(headers, body: bytes) -> str:
    """A text part's words: transfer decoding on a bounded prefix, then its charset."""
    part = email.message.Message()
    for name in ("Content-Type", "Content-Transfer-Encoding"):
        if headers.get(name) is not None:
            part[name] = headers.get(name)
    part.set_payload(body[:MAX_ENCODED].decode("ascii", "surrogateescape"))
    data = part.get_payload(decode=True)
    charset = headers.get_content_charset("us-ascii")
    try:
        codec = codecs.lookup(charset).name
        if codec in _NOT_CHARSETS:
            raise LookupError(codec)
        return data[:MAX_TEXT * 4].decode(codec, "replace")
    except (LookupError, ValueError):  # ValueError: a codec name with a NUL, and the like
        raise Unreadable(f"unknown charset {charset[:40]}") from None
