"""A local mail catcher: SMTP in, one .eml file per message, a read-only HTML index."""
import html
import itertools
import signal
import threading
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from aiosmtpd.controller import Controller

from devkit import var_dir


class SaveToDirectory:
    """aiosmtpd handler writing every message to <directory>/<timestamp>-<n>.eml."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.directory / f"{stamp}-{next(self._counter)}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def list_messages(directory: Path) -> list[dict]:
    rows = []
    for path in sorted(Path(directory).glob("*.eml"), reverse=True):
        with path.open("rb") as handle:
            headers = BytesParser(policy=policy.default).parse(handle, headersonly=True)
        # no Date header: the time it was caught, from the file name
        date = str(headers.get("Date", "")) or f"{path.name[:15]} UTC (caught)"
        rows.append({"name": path.name, "subject": str(headers.get("Subject", "")),
                     "to": str(headers.get("To", "")), "date": date})
    return rows


def render_index(directory: Path) -> str:
    rows = "".join(
        "<tr><td>{date}</td><td>{to}</td><td>{subject}</td>"
        '<td><a href="/raw/{link}">raw</a></td></tr>'.format(
            date=html.escape(m["date"]), to=html.escape(m["to"]),
            subject=html.escape(m["subject"]), link=html.escape(m["name"], quote=True))
        for m in list_messages(directory))
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Mail catcher</title>"
            "</head><body><h1>Caught mail (DEV ONLY)</h1><table><thead><tr><th>Date</th><th>To</th>"
            f"<th>Subject</th><th>Message</th></tr></thead><tbody>{rows}</tbody></table></body></html>")


def index_handler(directory: Path):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path in ("/", "/index.html"):
                return self._send(200, "text/html; charset=utf-8", render_index(directory).encode())
            if self.path.startswith("/raw/"):
                name = unquote(self.path[len("/raw/"):])
                path = Path(directory) / name
                if "/" not in name and name.endswith(".eml") and path.is_file():
                    return self._send(200, "text/plain; charset=utf-8", path.read_bytes())
            self._send(404, "text/plain", b"not found")

        def _send(self, status, content_type, body):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


class MailCatcher:
    def __init__(self, directory: Path | None = None, smtp_port: int = 1025, http_port: int = 1080,
                 host: str = "127.0.0.1"):
        self.directory = Path(directory or var_dir() / "mail")
        self.host, self.smtp_port, self.http_port = host, smtp_port, http_port
        self._smtp: Controller | None = None
        self._http: ThreadingHTTPServer | None = None

    @property
    def index_url(self) -> str:
        return f"http://{self.host}:{self.http_port}/"

    def start(self) -> "MailCatcher":
        self._smtp = Controller(SaveToDirectory(self.directory), hostname=self.host, port=self.smtp_port)
        self._smtp.start()
        self._http = ThreadingHTTPServer((self.host, self.http_port), index_handler(self.directory))
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._smtp:
            self._smtp.stop()
        if self._http:
            self._http.shutdown()
            self._http.server_close()


def serve_forever() -> None:
    from devkit.config import mail_args
    catcher = MailCatcher(**mail_args()).start()
    print(f"mail catcher: smtp 127.0.0.1:{catcher.smtp_port}, index {catcher.index_url}, files {catcher.directory}")
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        catcher.stop()
