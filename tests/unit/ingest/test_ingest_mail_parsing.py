"""Reading an email reply: linear HTML text, bounded MIME, hostile shapes kept for review."""
import base64

import pytest

from ingest_svc.domain.html_text import html_text
from ingest_svc.domain.mime import Unreadable, read_mail
from ingest_svc.domain.reply import parse_reply, strip_history

HEAD = b"From: Sam <sam@example.org>\r\nTo: survey@replies.localhost\r\nMIME-Version: 1.0\r\n"


def mail(body: bytes, content_type=b"text/plain; charset=utf-8", extra=b"") -> bytes:
    return HEAD + extra + b"Content-Type: " + content_type + b"\r\n\r\n" + body


def multipart(*parts: bytes, kind=b"alternative", close=True) -> bytes:
    body = b"".join(b"--frontier\r\n" + part + b"\r\n" for part in parts) + (b"--frontier--\r\n" if close else b"")
    return mail(b"preamble\r\n" + body, b'multipart/' + kind + b'; boundary="frontier"')


def test_html_drops_quoted_history_and_markup():
    html = ('<div dir="ltr">4<div>Quick &amp; <b>kind</b></div></div><br>'
            '<div class="gmail_quote">On Mon wrote:<blockquote>5<blockquote>old</blockquote>older</blockquote></div>'
            '<style>p{}</style><script>if (a<b) {}</script><!-- note -->after')
    assert html_text(html).split("\n") == ["", "4", "Quick & kind", "", "", "", "On Mon wrote:", "after"]
    assert parse_reply(html_text(html)).score == 4


@pytest.mark.parametrize("html, text", [
    ("5<a", "5"),  # an unclosed tag runs to the end
    ("5<!-- never closed", "5"),
    ("5</blockquote>6", "56"),  # a stray end tag hides nothing
    ("5<blockquote>quoted", "5"),
    ("5 &lt;3 &#65;", "5 <3 A"),
])
def test_html_edges(html, text):
    assert html_text(html) == text


def test_plain_part_preferred_attachments_and_forwarded_mail_skipped():
    raw = multipart(b"Content-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\n1 attached",
                    b"Content-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\n2 forwarded",
                    b"Content-Type: text/html\r\n\r\n<p>3 html</p>",
                    b"Content-Type: text/plain; charset=utf-8\r\n\r\n4 plain",
                    kind=b"mixed")
    assert read_mail(raw).text == "4 plain"
    assert read_mail(multipart(b"Content-Type: text/html\r\n\r\n<p>3</p>")).text.strip() == "3"


def test_nested_parts_and_a_missing_close_delimiter():
    inner = b'Content-Type: multipart/alternative; boundary="in"\r\n\r\n--in\r\n\r\n5 inner\r\n--in--'
    assert read_mail(multipart(inner, kind=b"mixed")).text == "5 inner"
    assert read_mail(multipart(b"\r\n4 unclosed", close=False)).text.rstrip() == "4 unclosed"


def test_transfer_encodings_and_charsets():
    b64 = base64.encodebytes("5\nTrès bien".encode("utf-8"))
    assert read_mail(mail(b64, extra=b"Content-Transfer-Encoding: base64\r\n")).text == "5\nTrès bien"
    qp = mail(b"5=\r\n Tr=E8s", b"text/plain; charset=iso-8859-1", b"Content-Transfer-Encoding: quoted-printable\r\n")
    assert read_mail(qp).text == "5 Très"
    assert read_mail(b"Subject: x\n\n5 bare newlines\n").text == "5 bare newlines\n"


@pytest.mark.parametrize("raw, reason", [
    (mail(b"5", b"text/plain; charset=x-no-such"), "unknown charset x-no-such"),
    (mail(b"5", b"text/plain; charset=punycode"), "unknown charset punycode"),
    (mail(b"5", b"text/plain; charset=base64"), "unknown charset base64"),
    (b"X-A: b\r\n" * 10_000, "headers too large"),
    (mail(b"5", b"text/plain; " + b"a=b; " * 300), "Content-Type header too long"),
    (HEAD.replace(b"Sam", b"(" * 20 + b"Sam") + b"\r\n5", "From header nested too deep"),
    (HEAD.replace(b"Sam", b"x" * 1000) + b"\r\n5", "From header too long"),
    (mail(b"--b\r\n\r\n5\r\n" * 100, b'multipart/mixed; boundary="b"'), "too many parts"),
    (mail(b"5", b"multipart/mixed"), "multipart without a usable boundary"),
])
def test_hostile_shapes_are_unreadable_with_a_reason(raw, reason):
    with pytest.raises(Unreadable, match=f"^{reason}$"):
        read_mail(raw)


def test_nesting_deeper_than_the_bound_is_unreadable_not_a_recursion_error():
    raw = HEAD
    for level in range(9):
        raw += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
    with pytest.raises(Unreadable, match="nested too deep"):
        read_mail(raw + b"\r\n5\r\n")


def test_leading_blank_lines_and_long_lines_are_cheap():
    assert strip_history("\n" * 50_000 + "5\nok\n" + "\n" * 50_000) == ["5", "ok"]
    assert parse_reply("on " + "wrote: x " * 10_000).score is None
