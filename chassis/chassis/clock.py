"""The real clock: aware UTC now (chassis.testing has the fakes with the same `.now()`)."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class SystemClock:
    def now(self) -> datetime:
        return utcnow()
