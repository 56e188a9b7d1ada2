"""Outgoing mail over one reused SMTP connection, reopened when the server drops it."""
import smtplib
import ssl

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from survey_svc.service_layer.ports import (Mail, PermanentMailError, ServerUnavailable,
                                            TransientMailError)

_ANSWERED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)


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
        # After a dropped connection: again at once with a fresh one, then with backoff.
        # Only then: tenacity's per-call set-up costs as much as smtplib's sendmail.
        self._retries = attempts > 1 and retry(
            retry=retry_if_exception(_dropped), stop=stop_after_attempt(attempts - 1),
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
