"""The outside world as the handlers see it: one method each (mail errors: chassis.mail)."""
from datetime import datetime
from typing import Protocol

from chassis.mail import Mail

from survey_svc.domain.model import Invitation


class Clock(Protocol):
    def now(self) -> datetime: ...


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...


class Renderer(Protocol):
    def render(self, invitation: Invitation, kind: str) -> Mail: ...
