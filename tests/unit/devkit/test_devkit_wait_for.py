"""wait_for polls with a bound: a mismatch fails at once, "not ready" is retried."""
import time

import pytest

from devkit.testing import WaitTimeout, wait_for


def test_returns_the_first_truthy_value():
    values = iter([0, None, "", 7])
    assert wait_for(lambda: next(values), timeout=5, interval=0) == 7


def test_an_assertion_fails_at_once_with_its_message():
    def mismatch():
        assert 1 == 2, "counted twice"
    started = time.monotonic()
    with pytest.raises(AssertionError, match="counted twice") as err:
        wait_for(mismatch, timeout=30)
    assert not isinstance(err.value, WaitTimeout)
    assert time.monotonic() - started < 5


def test_other_errors_are_retried_until_ready():
    calls = []

    def starting():
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("not yet")
        return True
    assert wait_for(starting, timeout=5, interval=0)


def test_times_out_with_the_last_error():
    def down():
        raise ConnectionError("refused")
    with pytest.raises(WaitTimeout, match="refused"):
        wait_for(down, timeout=0.2, interval=0.05, message="broker up")
