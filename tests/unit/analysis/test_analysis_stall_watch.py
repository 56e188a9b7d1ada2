"""serve's stall watchdog: a consumer child whose heartbeat is older than the limit is ended
(terminated, killed when it does not end); a beating one is left alone."""
import subprocess
import threading
from datetime import datetime, timedelta, timezone

from chassis.testing import FakeClock
from devkit.testing import wait_for

from analysis_svc.adapters.heartbeat import Heartbeat
from analysis_svc.entrypoints import worker

T0 = datetime(2026, 12, 2, 9, tzinfo=timezone.utc)
LIMIT_S = 0.2  # also sets how often the watch looks: every LIMIT_S / 4 real seconds


class FakeChild:
    """A consumer process that counts the watch's looks; `hung` ignores SIGTERM."""

    def __init__(self, hung: bool = False):
        self.pid, self.hung, self.polls, self.signals = 4242, hung, 0, []

    def poll(self):
        self.polls += 1
        return None if not self.signals else -15

    def terminate(self):
        self.signals.append("TERM")

    def kill(self):
        self.signals.append("KILL")

    def wait(self, timeout=None):
        if self.hung and "KILL" not in self.signals:
            raise subprocess.TimeoutExpired("consume", timeout)
        return -15


def watched(tmp_path, child):
    clock = FakeClock(T0)
    heartbeat = Heartbeat(str(tmp_path / "heartbeat"), clock)
    stopping = threading.Event()
    worker.watch_stall(child, stopping, heartbeat, LIMIT_S)
    return clock, heartbeat, stopping


def test_a_beating_consumer_is_left_alone(tmp_path):
    child = FakeChild()
    clock, heartbeat, stopping = watched(tmp_path, child)
    heartbeat.beat()
    wait_for(lambda: child.polls >= 3, timeout=5, message="the watch looked three times")
    stopping.set()
    assert child.signals == []


def test_a_stalled_consumer_is_terminated(tmp_path):
    child = FakeChild()
    clock, heartbeat, stopping = watched(tmp_path, child)
    heartbeat.beat()
    clock.advance(timedelta(seconds=1))
    wait_for(lambda: child.signals, timeout=5, message="the stalled child ended")
    assert child.signals == ["TERM"]
    stopping.set()


def test_a_hung_consumer_that_ignores_sigterm_is_killed(tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "STALL_KILL_GRACE_S", 0.01)
    child = FakeChild(hung=True)
    clock, heartbeat, stopping = watched(tmp_path, child)
    clock.advance(timedelta(seconds=1))  # never beat: counts from the watch's start
    wait_for(lambda: "KILL" in child.signals, timeout=5, message="the hung child killed")
    assert child.signals == ["TERM", "KILL"]
    stopping.set()


def test_an_earlier_runs_stamp_counts_from_this_childs_start(tmp_path):
    old = Heartbeat(str(tmp_path / "heartbeat"), FakeClock(T0 - timedelta(hours=1)))
    old.beat()
    child = FakeChild()
    clock, heartbeat, stopping = watched(tmp_path, child)
    wait_for(lambda: child.polls >= 3, timeout=5, message="the watch looked three times")
    assert child.signals == []
    clock.advance(timedelta(seconds=1))
    wait_for(lambda: child.signals, timeout=5, message="the stalled child ended")
    stopping.set()


def test_no_limit_no_watch(tmp_path):
    def watches() -> int:
        return sum(t.name == "consumer-stall-watch" for t in threading.enumerate())
    before = watches()
    heartbeat = Heartbeat(str(tmp_path / "h"), FakeClock(T0))
    worker.watch_stall(FakeChild(), threading.Event(), heartbeat, 0)
    assert watches() <= before  # (an earlier test's watch may just have ended)
