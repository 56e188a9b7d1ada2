"""The outside world as the handlers see it: one method each."""
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from survey_svc.domain.model import Invitation


@dataclass(frozen=True)
class Mail:
    """A rendered message as SMTP sends it: the envelope and the exact bytes (CRLF lines)."""
    sender: str
    recipients: tuple[str, ...]
    data: bytes
    smtputf8: bool = False  # an address is not ASCII: the server must offer SMTPUTF8


class Clock(Protocol):
    def now(self) -> datetime: ...


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...


class Renderer(Protocol):
    def render(self, invitation: Invitation, kind: str) -> Mail: ...


class TransientMailError(Exception):
    """Try again later: the server is down or said 4xx."""


class PermanentMailError(Exception):
    """The server said 5xx, or the address is unusable: never retry."""


class ServerUnavailable(TransientMailError):
    """No connection at all: stop this round, nothing else will get through either."""
