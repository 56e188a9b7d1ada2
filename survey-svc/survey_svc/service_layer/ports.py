"""The outside world as the handlers see it: one method each."""
from datetime import datetime
from email.message import Message
from typing import Protocol

from survey_svc.domain.model import Invitation


class Clock(Protocol):
    def now(self) -> datetime: ...


class Mailer(Protocol):
    def send(self, message: Message) -> None: ...


class Renderer(Protocol):
    def render(self, invitation: Invitation, kind: str) -> Message: ...


class TransientMailError(Exception):
    """Try again later: the server is down or said 4xx."""


class PermanentMailError(Exception):
    """The server said 5xx: never retry."""


class ServerUnavailable(TransientMailError):
    """No connection at all: stop this round, nothing else will get through either."""
