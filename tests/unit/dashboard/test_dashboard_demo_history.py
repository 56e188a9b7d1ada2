"""The demo history looks like a year of the real producers' events."""
import threading
from collections import Counter, defaultdict
from datetime import datetime, timezone
from functools import cache
from statistics import mean

from contracts.envelope import decode, encode
from suite_demo.catalogue import DIRECTORATES, SPLIT
from suite_demo.history import history
from suite_demo.live import trickle

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


@cache
def events(weeks=52):
    return list(history(seed=7, now=NOW, weeks=weeks))


def test_every_event_round_trips_through_the_contracts_and_is_backdated():
    evs = events(8)
    assert evs and all(decode(encode(e)).event_type == e.event_type for e in evs)
    assert all(e.occurred_at <= NOW for e in evs)
    assert min(e.occurred_at for e in evs).date() < datetime(2026, 1, 10).date()


def test_history_has_every_directorate_non_responders_reopens_and_amendments():
    evs = events()
    kinds = Counter(e.event_type for e in evs)
    assert {e.data["directorate"] for e in evs} == {d.name for d in DIRECTORATES} | set(SPLIT.targets)
    assert kinds["response.submitted"] < 0.5 * kinds["invitation.sent"]
    assert kinds["invitation.expired"] > 0 and kinds["response.amended"] > 0
    assert any(e.data.get("resolution") == 2 for e in evs if e.event_type == "invitation.created")


def test_same_seed_gives_same_ids_so_a_rerun_dedupes():
    first = [e.data.get("invitation_id") for e in history(seed=3, now=NOW, weeks=2)]
    assert first == [e.data.get("invitation_id") for e in history(seed=3, now=NOW, weeks=2)]


def test_printing_worsens_and_remote_access_improves():
    scores = defaultdict(lambda: defaultdict(list))
    for e in events():
        if e.event_type == "response.submitted":
            half = "late" if e.data["submitted_at"] > datetime(2025, 9, 1, tzinfo=timezone.utc) else "early"
            scores[e.data["service"]][half].append(e.data["score"])
    assert mean(scores["Printing"]["late"]) < mean(scores["Printing"]["early"]) - 0.5
    assert mean(scores["Remote Access (VPN)"]["late"]) > mean(scores["Remote Access (VPN)"]["early"]) + 0.5


def test_comments_vary_and_some_carry_personal_data_to_redact():
    comments = [e.data["comment"] for e in events() if e.event_type == "response.submitted" and e.data["comment"]]
    assert len(set(comments)) > 0.3 * len(comments)
    assert any("@council.example.gov.uk" in c or "07700" in c for c in comments)


def test_volumes_are_seasonal():
    weekly = Counter(e.occurred_at.month for e in events() if e.event_type == "invitation.created")
    assert weekly[9] > weekly[8] * 1.3


def test_trickle_publishes_live_events_until_count():
    batches = []
    sent = trickle(batches.append, threading.Event(), interval_s=0, count=5, seed=1)
    now = datetime.now(timezone.utc)
    assert sent == 5 and len(batches) == 5
    assert all(e.occurred_at <= now for b in batches for e in b)
    assert any(e.event_type == "response.submitted" for b in batches for e in b)
