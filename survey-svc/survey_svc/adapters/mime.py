"""A text + HTML email as bytes, built directly rather than through email.message.

Standards kept (RFC 5322, 2045, 2046, 2047): CRLF line ends, no line over 998 characters,
a part is 7bit only when it is ASCII without NUL and short-lined, else quoted-printable;
non-ASCII header text is RFC 2047-encoded and folded. Building a MIMEMultipart and
flattening it cost more CPU than everything else the dispatcher does per mail.
"""
import binascii
import re
import secrets
from email.header import Header
from email.utils import formataddr

CRLF = "\r\n"
MAX_LINE = 998
# Control characters (line breaks included): no header text has a right to one.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class HeaderRefused(ValueError):
    """Header text holding a control character: refused rather than silently rewritten."""


def _checked(name: str, value: str) -> str:
    if (found := _CONTROLS.search(value)) is not None:
        raise HeaderRefused(f"{name} holds control character U+{ord(found.group()):04X}")
    return value


def unstructured(name: str, value: str) -> str:
    """A header value: short plain ASCII as is, anything else encoded; control characters refused."""
    if _checked(name, value).isascii() and len(name) + len(value) + 2 <= MAX_LINE:
        return value
    return Header(value, "utf-8", header_name=name).encode(linesep=CRLF)


def mailbox(display_name: str | None, address: str) -> str:
    """`Name <address>` with the name quoted or encoded as it needs; the address alone if none."""
    name = " ".join(_checked("display name", display_name or "").split())
    if not name:
        return address
    if name.isascii():
        return formataddr((name, address))
    return f"{Header(name, 'utf-8', header_name='To').encode(linesep=CRLF)} <{address}>"


def alternative(headers: list[tuple[str, str]], text: str, html: str) -> bytes:
    """multipart/alternative (plain text first, HTML preferred) with the given header lines."""
    plain, rich = _part(text, "plain"), _part(_packed(html), "html")
    boundary = f"=_{secrets.token_hex(12)}"
    while boundary in plain or boundary in rich:  # 96 random bits: never, but be sure
        boundary = f"=_{secrets.token_hex(12)}"
    lines = [f"{name}: {value}" for name, value in headers]
    lines += ["MIME-Version: 1.0",
              f'Content-Type: multipart/alternative; boundary="{boundary}"', "",
              f"--{boundary}", plain, f"--{boundary}", rich, f"--{boundary}--", ""]
    return CRLF.join(lines).encode()


def _packed(html: str, width: int = 800) -> str:
    """HTML reads a line break as a space, so short lines are joined (well below 998): a
    server reads a message line by line, and half the lines cost it half the work."""
    lines, line = [], ""
    for piece in html.replace("\r\n", "\n").split("\n"):
        if line and len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = piece
        else:
            line = f"{line} {piece}" if line else piece
    lines.append(line)
    return "\n".join(lines)


def _part(body: str, subtype: str) -> str:
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    if body.isascii() and "\0" not in body and max(map(len, body.split("\n"))) <= MAX_LINE:
        encoding = "7bit"
    else:
        encoding = "quoted-printable"
        body = binascii.b2a_qp(body.encode(), istext=True).decode("ascii")
    return (f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
            f"Content-Transfer-Encoding: {encoding}{CRLF}{CRLF}"
            + body.rstrip("\n").replace("\n", CRLF))
