"""Outgoing mail for every service: the settings, the message as SMTP sends it, and one mailer.

STARTTLS always uses a verifying default SSL context, so the server's certificate and host
name are checked before AUTH sends the password. One connection is reused and reopened when
the server drops it.
"""
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from chassis.settings import as_bool, as_float, as_port, env


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    """Mixed into each service's Settings: the same variables mean the same everywhere."""

    smtp_host: str = env("SMTP_HOST", "127.0.0.1")
    smtp_port: int = env("SMTP_PORT", 1025, as_port)
    smtp_username: str | None = env("SMTP_USERNAME", None)
    smtp_password: str | None = env("SMTP_PASSWORD", None)
    smtp_starttls: bool = env("SMTP_STARTTLS", False, as_bool)
    smtp_timeout_s: float = env("SMTP_TIMEOUT", 10.0, as_float)
    mail_from: str = env("MAIL_FROM", "ICT Service <ict-feedback@council.localhost>")


@dataclass(frozen=True)
class Mail:
    """A message as SMTP sends it: the envelope and the exact bytes (CRLF lines)."""
    sender: str
    recipients: tuple[str, ...]
    data: bytes
    smtputf8: bool = False  # an address is not ASCII: the server must offer SMTPUTF8


class TransientMailError(Exception):
    """Try again later: the server is down or said 4xx."""


class PermanentMailError(Exception):
    """The server said 5xx, or the address is unusable: never retry."""


class ServerUnavailable(TransientMailError):
    """No connection at all: stop this round, nothing else will get through either."""


def plain_mail(sender: str, to: str, subject: str, body: str,
               message_id: str | None = None) -> Mail:
    """A short text email (alerts, notices). Header values must hold no CR or LF."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"], message["To"], message["Subject"] = sender, to, subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    return Mail(sender, (to,), message.as_bytes(), smtputf8=not (sender + to).isascii())


_ANSWERED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)


def _dropped(err: BaseException) -> bool:
    """No answer from the server (smtplib's own errors are OSErrors too)."""
    return isinstance(err, OSError) and not isinstance(err, _ANSWERED)


class SmtpMailer:
    def __init__(self, host: str, port: int, *, username: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout_s: float = 10,
                 reuse: bool = True, attempts: int = 3, max_wait_s: float = 2.0,
                 ssl_context: ssl.SSLContext | None = None):
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self.username, self.password, self.starttls = username, password, starttls
        self.reuse = reuse
        self.ssl_context = ssl_context
        self._conn: smtplib.SMTP | None = None
        # After a dropped connection: again at once with a fresh one, then with backoff.
        # Only then: tenacity's per-call set-up costs as much as smtplib's sendmail.
        self._retries = attempts > 1 and retry(
            retry=retry_if_exception(_dropped), stop=stop_after_attempt(attempts - 1),
            wait=wait_exponential(multiplier=0.1, max=max_wait_s), reraise=True)(self._send)

    @classmethod
    def from_settings(cls, settings: SmtpSettings, **kwargs) -> "SmtpMailer":
        s = settings
        return cls(s.smtp_host, s.smtp_port, username=s.smtp_username, password=s.smtp_password,
                   starttls=s.smtp_starttls, timeout_s=s.smtp_timeout_s, **kwargs)

    def _connect(self) -> smtplib.SMTP:
        conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        try:
            if self.starttls:
                # Verifies the certificate chain and the host name before AUTH.
                conn.starttls(context=self.ssl_context or ssl.create_default_context())
            if self.username:
                conn.login(self.username, self.password or "")
        except BaseException:
            conn.close()
            raise
        return conn

    def _send(self, mail: Mail) -> None:
        if self._conn is None:
            self._conn = self._connect()
        try:
            self._conn.sendmail(mail.sender, mail.recipients, mail.data,
                                ("SMTPUTF8",) if mail.smtputf8 else ())
        except OSError as err:
            if _dropped(err):
                self.close()
            raise
        if not self.reuse:
            self.close()

    def _send_or_retry(self, mail: Mail) -> None:
        try:
            self._send(mail)
        except OSError as err:
            if not (self._retries and _dropped(err)):
                raise
            self._retries(mail)

    def send(self, mail: Mail) -> None:
        """Send; raises ServerUnavailable, TransientMailError or PermanentMailError."""
        try:
            self._send_or_retry(mail)
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError) as err:
            # Our configuration is wrong, not the recipient: never bounce for this.
            self.close()
            raise ServerUnavailable(f"mail server refused us: {err}"[:500]) from None
        except smtplib.SMTPRecipientsRefused as err:
            code, text = next(iter(err.recipients.values()))
            raise _classify(code, text) from None
        except smtplib.SMTPResponseException as err:
            raise _classify(err.smtp_code, err.smtp_error) from None
        except (ssl.SSLError, ssl.CertificateError) as err:
            self.close()
            raise ServerUnavailable(f"mail server's certificate refused: {err}"[:500]) from None
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
    if code == 530:  # STARTTLS or AUTH required: our configuration, not the recipient
        return ServerUnavailable(f"mail server refused us: {code} {detail}"[:500])
    if 500 <= code < 600:
        return PermanentMailError(f"{code} {detail}"[:500])
    return TransientMailError(f"{code} {detail}"[:500])
