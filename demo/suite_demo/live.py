"""A small trickle of live answers, so the dashboard keeps moving while the demo runs."""
import random
import threading
from datetime import datetime, timedelta, timezone
from typing import Callable

from suite_demo.catalogue import DIRECTORATES, SERVICES, SPLIT
from suite_demo.history import Ticket, events_for


def live_ticket(rng: random.Random, now: datetime) -> Ticket:
    """A ticket resolved just over an hour ago, so its invitation is due now (under today's
    directorates: the year's reorganisation has happened)."""
    resolved = now - timedelta(hours=1, minutes=rng.randrange(1, 30))
    return Ticket(rng.choice(DIRECTORATES), rng.choice(SERVICES), f"INC{rng.randrange(10**7):07d}",
                  resolved, 1, 1.0, SPLIT.effective(now.date()))


def trickle(publish_many: Callable[[list], None], stop: threading.Event, interval_s: float = 5.0,
            count: int | None = None, seed: int | None = None,
            clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> int:
    """Publish one ticket's events every interval until stopped (or `count` tickets); returns tickets sent."""
    rng, sent = random.Random(seed), 0
    while not stop.is_set() and (count is None or sent < count):
        now = clock()
        publish_many(events_for(rng, live_ticket(rng, now), now, live=True))
        sent += 1
        stop.wait(interval_s)
    return sent
