"""Fakes for unit tests of domain and service-layer code (never for integration tests)."""
from datetime import datetime, timedelta, timezone


class FakePublisher:
    def __init__(self):
        self.published = []

    def publish(self, envelope) -> None:
        self.published.append(envelope)

    def publish_many(self, envelopes) -> None:
        self.published.extend(envelopes)

    def ping(self) -> None:
        return None

    def close(self) -> None:
        return None

    def of_type(self, event_type: str) -> list:
        return [e for e in self.published if e.event_type == event_type]


class FakeClock:
    def __init__(self, start: datetime | None = None):
        self.current = start or datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> datetime:
        self.current += delta
        return self.current


FixedClock = FakeClock
