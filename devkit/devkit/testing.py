"""Small helpers for tests: bounded polling and free ports."""
import time
from typing import Callable, TypeVar

from devkit.procs import free_port  # noqa: F401  (re-exported for tests)

T = TypeVar("T")


class WaitTimeout(AssertionError):
    pass


def wait_for(predicate: Callable[[], T], timeout: float = 10.0, interval: float = 0.05,
             message: str = "condition") -> T:
    """Poll predicate until it returns something truthy; fail after timeout seconds.

    An AssertionError raised by the predicate is a mismatch, not "not ready yet": it fails at
    once with its own message. Other errors (a server still starting) are retried.
    """
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            result = predicate()
            if result:
                return result
        except AssertionError:
            raise
        except Exception as error:  # the predicate may fail until the system is ready
            last_error = error
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"{message} not met within {timeout}s (last error: {last_error!r})")
        time.sleep(interval)


class SmtpSink:
    """A real SMTP server on a free port that keeps every message it receives."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None):
        self.host, self.port = host, port or free_port()
        self.messages: list = []  # email.message.EmailMessage, in arrival order
        self.envelopes: list = []
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        from email import policy
        from email.parser import BytesParser
        self.envelopes.append(envelope)
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.content))
        return "250 OK"

    def start(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()

    def wait_for_messages(self, count: int, timeout: float = 10.0) -> list:
        """Wait until at least count messages arrived; return them all."""
        wait_for(lambda: len(self.messages) >= count, timeout,
                 message=f"{count} message(s) at {self.host}:{self.port}")
        return list(self.messages)
