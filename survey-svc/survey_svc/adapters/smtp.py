"""Outgoing mail over one reused SMTP connection, reopened when the server drops it."""
import smtplib
import ssl
from email.generator import BytesGenerator
from email.message import Message
from email.utils import getaddresses
from functools import lru_cache
from io import BytesIO

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from survey_svc.service_layer.ports import (PermanentMailError, ServerUnavailable,
                                            TransientMailError)

_ANSWERED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)


class _Generator(BytesGenerator):
    """Writes a body in one call, not two per line (a base64 body has ~200 lines)."""

    def _write_lines(self, lines):
        # The stdlib's line-break regex, as three C-speed replaces.
        if lines:
            self.write(lines.replace("\r\n", "\n").replace("\r", "\n").replace("\n", self._NL))


def _as_bytes(message: Message) -> bytes:
    out = BytesIO()
    _Generator(out, mangle_from_=False).flatten(message, linesep="\r\n")
    return out.getvalue()


@lru_cache(maxsize=64)
def _sender(from_header: str) -> str:
    return getaddresses([from_header])[0][1]


def _envelope(message: Message) -> tuple[str, list[str]] | None:
    """Sender and recipients; None when an address needs smtplib's SMTPUTF8 handling."""
    if "Bcc" in message or "Resent-Date" in message:
        return None
    sender = _sender(message["Sender"] or message["From"])
    fields = message.get_all("To", []) + message.get_all("Cc", [])
    recipients = [address for _, address in getaddresses(fields)]
    return (sender, recipients) if (sender + "".join(recipients)).isascii() else None


def _dropped(err: BaseException) -> bool:
    """No answer from the server (smtplib's own errors are OSErrors too)."""
    return isinstance(err, OSError) and not isinstance(err, _ANSWERED)


class SmtpMailer:
    def __init__(self, host: str, port: int, *, username: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout_s: float = 10,
                 reuse: bool = True, attempts: int = 3, max_wait_s: float = 2.0):
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self.username, self.password, self.starttls = username, password, starttls
        self.reuse = reuse
        self._conn: smtplib.SMTP | None = None
        # A dropped connection is retried at once with a fresh one, then with backoff.
        self._send_with_retry = retry(
            retry=retry_if_exception(_dropped), stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=0.1, max=max_wait_s), reraise=True)(self._send)

    def _connect(self) -> smtplib.SMTP:
        conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        try:
            if self.starttls:
                conn.starttls(context=ssl.create_default_context())
            if self.username:
                conn.login(self.username, self.password or "")
        except BaseException:
            conn.close()
            raise
        return conn

    def _send(self, message: Message) -> None:
        if self._conn is None:
            self._conn = self._connect()
        envelope = _envelope(message)
        try:
            if envelope is None:
                self._conn.send_message(message)
            else:
                self._conn.sendmail(*envelope, _as_bytes(message))
        except OSError as err:
            if _dropped(err):
                self.close()
            raise
        if not self.reuse:
            self.close()

    def send(self, message: Message) -> None:
        try:
            self._send_with_retry(message)
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError) as err:
            # Our configuration is wrong, not the recipient: never bounce for this.
            self.close()
            raise ServerUnavailable(f"mail server refused us: {err}"[:500]) from None
        except smtplib.SMTPRecipientsRefused as err:
            code, text = next(iter(err.recipients.values()))
            raise _classify(code, text) from None
        except smtplib.SMTPResponseException as err:
            raise _classify(err.smtp_code, err.smtp_error) from None
        except OSError as err:
            raise ServerUnavailable(f"mail server unavailable: {type(err).__name__}") from None

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()


def _classify(code: int, text) -> Exception:
    detail = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    if 500 <= code < 600:
        return PermanentMailError(f"{code} {detail}"[:500])
    return TransientMailError(f"{code} {detail}"[:500])
