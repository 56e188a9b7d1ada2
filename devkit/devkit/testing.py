"""Small helpers for tests: bounded polling and free ports."""
import time
from typing import Callable, TypeVar

from devkit.procs import free_port  # noqa: F401  (re-exported for tests)

T = TypeVar("T")


class WaitTimeout(AssertionError):
    pass


def wait_for(predicate: Callable[[], T], timeout: float = 10.0, interval: float = 0.05,
             message: str = "condition") -> T:
    """Poll predicate until it returns something truthy; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            result = predicate()
            if result:
                return result
        except Exception as error:  # the predicate may fail until the system is ready
            last_error = error
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"{message} not met within {timeout}s (last error: {last_error!r})")
        time.sleep(interval)
