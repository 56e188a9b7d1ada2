"""The demo's year holds two councils and one reorganisation: Adult Social Care split by service."""
from datetime import date, datetime, timezone
from functools import cache

from suite_demo.catalogue import DIRECTORATES, ORGANISATIONS, SERVICES, SPLIT
from suite_demo.history import history
from suite_demo.live import live_ticket
from suite_demo.structure import requests, slug

NOW = datetime(2026, 12, 2, 9, tzinfo=timezone.utc)
SPLIT_DAY = date(2026, 4, 1)


@cache
def created():
    return [e for e in history(seed=11, now=NOW, weeks=52) if e.event_type == "invitation.created"]


def test_the_split_falls_on_the_latest_first_of_april():
    assert SPLIT.effective(NOW.date()) == SPLIT_DAY
    assert SPLIT.effective(date(2026, 3, 31)) == date(2025, 4, 1)
    assert SPLIT.effective(date(2026, 4, 1)) == date(2026, 4, 1)


def test_adult_social_care_ends_at_the_split_and_its_services_go_to_the_two_councils():
    before = {e.data["directorate"] for e in created() if e.occurred_at.date() < SPLIT_DAY}
    after = [e.data for e in created() if e.occurred_at.date() >= SPLIT_DAY]
    assert SPLIT.source in before and not set(SPLIT.targets) & before
    assert SPLIT.source not in {d["directorate"] for d in after}
    for data in after:
        if data["directorate"] in SPLIT.targets:
            assert SPLIT.by_service[data["service"]] == data["directorate"]
    assert {d["directorate"] for d in after} >= set(SPLIT.targets)


def test_a_short_history_without_the_day_keeps_the_old_names():
    names = {e.data.get("directorate") for e in history(seed=2, now=NOW, weeks=4)}
    assert SPLIT.source in names and not set(SPLIT.targets) & names


def test_live_answers_come_under_todays_directorates():
    import random
    rng = random.Random(3)
    names = {live_ticket(rng, NOW).directorate_name for _ in range(200)}
    assert SPLIT.source not in names and set(SPLIT.targets) <= names


def test_the_structure_covers_every_service_and_names_every_directorate():
    sent = requests(SPLIT_DAY)
    assert [b["name"] for p, b in sent if p == "/v1/organisations"] == list(ORGANISATIONS)
    nodes = {b["name"]: b for p, b in sent if p == "/v1/nodes"}
    assert set(nodes) == {d.name for d in DIRECTORATES} | set(SPLIT.targets)
    assert nodes[SPLIT.source]["valid_to"] == "2026-04-01"
    [split] = [b for p, b in sent if p == "/v1/reorganisations"]
    assert split["kind"] == "split" and split["effective"] == "2026-04-01"
    assert set(split["rule"]["cases"]) == {s.name for s in SERVICES}
    assert set(split["rule"]["cases"].values()) == {slug(t) for t in SPLIT.targets}
