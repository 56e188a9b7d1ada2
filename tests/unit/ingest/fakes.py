"""Fakes for ingest-svc's service-layer unit tests."""
from chassis.kafka import PublishError
from contracts import decode


class FakeRawPublisher:
    """Keeps decoded envelopes; `down = True` makes it refuse like an unreachable broker."""

    def __init__(self):
        self.published = []
        self.down = False

    def publish_raw(self, messages) -> None:
        if self.down:
            raise PublishError("broker down")
        self.published.extend(decode(value) for _, _, value, *_ in messages)

    def ping(self) -> None:
        if self.down:
            raise PublishError("broker down")

    def close(self) -> None:
        return None
