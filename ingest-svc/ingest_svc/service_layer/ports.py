"""One-method ports the handlers depend on; adapters implement them."""
from datetime import datetime
from typing import Protocol

from contracts import Envelope


class Delivery(Protocol):
    def deliver(self, envelopes: list[Envelope]) -> str:
        """Return once the broker confirmed ("published") or the spool is fsync'd ("spooled")."""


class Clock(Protocol):
    def now(self) -> datetime: ...
