"""CPU time of ingest-svc's email-reply path on hostile 100 KB messages, beside a plain 100 KB reply.

Run: .venv/bin/python bench/bench_hostile_input.py [--size 100000] [--repeat 3]
Each message goes through the bus exactly as the inbound webhook and the SMTP listener hand it
over (IngestEmailReply, SQLite, a fake publisher); the best of --repeat runs is printed in CPU
ms of this thread, with its ratio to the plain reply and where the message ended. Goal: every
path under 100 ms of CPU.
"""
import argparse
import base64
import tempfile
import time
import uuid
from pathlib import Path

TO = b"survey+" + b"0" * 32 + b"@replies.localhost"
HEADERS = (b"From: Alex Example <alex@example.org>\r\nTo: " + TO + b"\r\nSubject: Re: How did we do?\r\n"
           b"Message-ID: <bench@example.org>\r\nMIME-Version: 1.0\r\n")


def _mail(body: bytes, content_type: bytes = b"text/plain; charset=utf-8", extra: bytes = b"") -> bytes:
    return HEADERS + extra + b"Content-Type: " + content_type + b"\r\n\r\n" + body


def _html(body: bytes) -> bytes:
    return _mail(body, b"text/html; charset=utf-8")


def _deep_multipart(size: int) -> bytes:
    out, depth = [], 0
    while sum(map(len, out)) < size:
        out.append(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (depth, depth))
        depth += 1
    return HEADERS + b"".join(out) + b"Content-Type: text/plain\r\n\r\n5\r\n"


def _many_parts(size: int) -> bytes:
    part = b"--b\r\nContent-Type: text/plain\r\n\r\n5\r\n"
    return _mail(part * (size // len(part)) + b"--b--\r\n", b'multipart/mixed; boundary="b"')


def hostile_messages(size: int = 100_000) -> dict[str, bytes]:
    """A plain reply and one adversarial message per parsing path, each about `size` bytes."""
    def fill(unit: bytes) -> bytes:
        return unit * (size // len(unit))

    def half(unit: bytes) -> bytes:
        return unit * (size // 2 // len(unit))
    prose = b"The printer on floor 3 works again and the engineer was kind.\r\n"
    history = b"On Mon, 2 Mar 2026 at 09:30, Service Desk <desk@example.org> wrote:\r\n"
    return {
        "plain reply": _mail(b"5\r\n" + fill(prose)[:size // 2] + history + fill(b"> " + prose)[:size // 2]),
        "html <blockquote flood": _html(fill(b"<blockquote")),
        "html open blockquotes": _html(fill(b"<blockquote>") + b"5"),
        "html nested tags": _html(fill(b"<div><span><b>") + b"5"),
        "html unclosed <a": _html(fill(b"<a")),
        "html open comments": _html(fill(b"<!--")),
        "html end-tag flood": _html(fill(b"</")),
        "html entities": _html(fill(b"&#") + fill(b"&amp;")[:size // 4]),
        "deep multipart": _deep_multipart(size),
        "many parts": _many_parts(size),
        "delimiter-like lines": _mail(b"--b\r\n" + fill(b"--b\r\n"), b'multipart/mixed; boundary="b"'),
        "huge header block": HEADERS.replace(b"To: ", b"To: " + fill(b"a@b.c, ")) + b"\r\n5\r\n",
        # half the size: within the header block's cap, so each field's own check is what holds
        "long To header": HEADERS.replace(b"To: ", b"To: " + half(b"a@b.c, ")) + b"\r\n5\r\n" + half(b"x"),
        "Content-Type params": _mail(b"5\r\n" + half(b"x"), b"text/plain; " + half(b"a=b; ")),
        "From comments": _mail(b"5\r\n" + half(b"x")).replace(b"From: Alex", b"From: " + half(b"(") + b"Alex"),
        "encoded-word Subject": HEADERS.replace(b"Subject: ", b"Subject: " + half(b"=?utf-8?q?a?= "))
        + b"\r\n5\r\n" + half(b"x"),
        "many header fields": HEADERS + half(b"X-A: b\r\n") + b"\r\n5\r\n" + half(b"x"),
        "bad charset": _mail(b"5\r\n" + fill(prose), b"text/plain; charset=x-no-such-charset"),
        "punycode charset": _mail(fill(b"a-"), b"text/plain; charset=punycode"),
        "long single line": _mail(b"5 " + fill(b"a")),
        "blank-line flood": _mail(fill(b"\n") + b"5\n"),
        "quote-header backtracking": _mail(b"on " + fill(b"wrote: x ") + b"\r\n"),
        "base64 part": _mail(base64.encodebytes(b"5\n" + fill(prose)[:size * 3 // 4]), extra=b"Content-Transfer-Encoding: base64\r\n"),
        "quoted-printable soft breaks": _mail(fill(b"=\r\n") + b"5", extra=b"Content-Transfer-Encoding: quoted-printable\r\n"),
        "no header end": fill(b"X-A: b\r\n"),
    }


def reply_bus(folder: Path):
    """ingest-svc's bus on SQLite with a fake broker: the path both reply doors reach."""
    from chassis.testing import FakePublisher
    from ingest_svc.bootstrap import build
    from ingest_svc.config import Settings
    settings = Settings(survey_verify_key="unused", secret_key="unused", reply_tag_key=uuid.uuid4().hex,
                        database_url=f"sqlite:///{folder / 'ingest.db'}", spool_dir=str(folder / "spool"))
    return build(settings, publisher=FakePublisher())


def cpu_ms(bus, raw: bytes) -> float:
    from ingest_svc.domain import commands
    start = time.thread_time()
    bus.handle(commands.IngestEmailReply(raw, "bench", ()))
    return (time.thread_time() - start) * 1000


def last_reason(bus) -> str:
    with bus.uow_factory() as uow:
        rows = uow.unmatched.list(1)
    return rows[0].reason if rows else "recorded"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bus = reply_bus(Path(folder))
        try:
            messages = hostile_messages(args.size)
            times = {name: min(cpu_ms(bus, raw) for _ in range(args.repeat)) for name, raw in messages.items()}
            reasons = {name: (cpu_ms(bus, raw), last_reason(bus))[1] for name, raw in messages.items()}
        finally:
            bus.close()
    plain = times["plain reply"]
    print(f"{'message':30} {'bytes':>8} {'CPU ms':>8} {'x plain':>8}  outcome")
    for name, ms in times.items():
        print(f"{name:30} {len(messages[name]):8} {ms:8.1f} {ms / plain:8.2f}  {reasons[name]}")
    worst = max(times, key=times.get)
    print(f"worst: {worst} {times[worst]:.1f} ms ({'within' if times[worst] < 100 else 'OVER'} the 100 ms goal)")


if __name__ == "__main__":
    main()
