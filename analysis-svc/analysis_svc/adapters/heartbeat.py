"""The consumer's heartbeat: a file the consumer stamps after every poll and /readyz reads."""
import os
import tempfile
from pathlib import Path


class ConsumerStalled(RuntimeError):
    """The consumer has not polled recently (or never has)."""


class Heartbeat:
    """beat() after each poll; check(max_age_s) raises ConsumerStalled when the last is too old.

    A file, not memory: `serve` runs the consumer in a child process beside its web workers.
    No path: beat() does nothing and check() is never asked (no consumer to report on).
    """

    def __init__(self, path: str | None, clock):
        self.path = Path(path) if path else None
        self.clock = clock

    def beat(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".heartbeat-")
        with os.fdopen(fd, "w") as out:
            out.write(repr(self.clock.now().timestamp()))
        os.replace(tmp, self.path)  # atomic: a reader never sees half a timestamp

    def last(self) -> float | None:
        """The last beat's POSIX timestamp; None before the first."""
        try:
            return float(self.path.read_text())
        except (OSError, ValueError):
            return None

    def check(self, max_age_s: float) -> None:
        last = self.last()
        if last is None:
            raise ConsumerStalled("the consumer has not polled yet")
        age = self.clock.now().timestamp() - last
        if age > max_age_s:
            raise ConsumerStalled(f"the consumer last polled {age:.0f} s ago")
