"""The hot path's in-process fixed window (memory://): counts, refuses, resets, tells the reset."""
from limits import parse

from chassis.limits import _LocalFixedWindow


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_counts_per_key_refuses_past_the_limit_and_resets_with_the_window():
    clock = Clock()
    window, limit = _LocalFixedWindow(clock), parse("3 per minute")
    assert [window.hit(limit, "svc", "a") for _ in range(4)] == [True, True, True, False]
    assert window.hit(limit, "svc", "b")  # another key has its own count
    stats = window.get_window_stats(limit, "svc", "a")
    assert stats.reset_time == 1060.0 and stats.remaining == 0
    clock.now = 1059.9
    assert not window.hit(limit, "svc", "a")
    clock.now = 1060.0
    assert window.hit(limit, "svc", "a")
    assert window.get_window_stats(limit, "svc", "a").remaining == 2
