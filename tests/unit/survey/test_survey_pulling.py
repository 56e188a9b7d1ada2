"""The poll handler over a fake service desk: checkpoints, backfills, failures, exactly once."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from chassis.testing import FakeClock, FakePublisher
from chassis.tokens import generate_keypair
from survey_svc.adapters.orm import decisions, ticket_refs
from survey_svc.bootstrap import build
from survey_svc.config import Settings
from survey_svc.connectors.mapping import Mapping
from survey_svc.connectors.pull import Connector, Pulled
from survey_svc.domain.commands import PollConnector
from survey_svc.domain.writeback import WriteBackRules
from survey_svc.service_layer.pulling import CLOCK_MARGIN, UnknownConnector

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
KEYS = generate_keypair()
MAPPING = Mapping.from_dict({"fields": {
    "ticket_id": "id", "resolution": {"expr": "n", "type": "int"}, "resolved_at": "at",
    "requester_email": "email", "directorate": {"value": "Housing"}}})


class FakeDesk:
    """Serves records with `moment` >= since, `page` at a time; can fail after some pages."""

    def __init__(self, records, ordered=True, page=2, fail_after=None):
        self.records, self.ordered, self.page, self.fail_after = records, ordered, page, fail_after
        self.asked = []

    def pages(self, since):
        self.asked.append(since)
        chosen = [r for r in self.records if r.moment >= since]
        for number, start in enumerate(range(0, len(chosen), self.page)):
            if self.fail_after is not None and number >= self.fail_after:
                raise ConnectionError("desk went away")
            yield chosen[start:start + self.page]


def record(ticket: str, minute: int, resolution=1, email="a@example.org") -> Pulled:
    moment = NOW - timedelta(hours=3) + timedelta(minutes=minute)
    return Pulled(ref=f"ref-{ticket}", moment=moment, payload={
        "id": ticket, "n": resolution, "at": moment.isoformat(), "email": email})


@pytest.fixture
def survey(tmp_path):
    buses = []

    def make(desk):
        connector = Connector(name="desk", kind="rt", mapping=MAPPING, source=desk,
                              interval_s=60, start=NOW - timedelta(days=1),
                              writeback=WriteBackRules(), link="x/{ref}")
        settings = Settings(webhook_secret="w", admin_token="a", reply_tag_key="r",
                            signing_key=KEYS[0], database_url=f"sqlite:///{tmp_path / 's.db'}")
        buses.append(build(settings, publisher=FakePublisher(), clock=FakeClock(NOW),
                           mailers=(), connectors={"desk": connector}))
        return buses[-1]

    yield make
    for bus in buses:
        bus.close()


def decided(bus):
    with bus.engine.connect() as conn:
        return sorted((r.ticket_id, r.resolution) for r in conn.execute(select(decisions)))


def checkpoint(bus):
    with bus.uow_factory() as uow:
        return uow.checkpoints.get("desk")


def test_an_ordered_desk_moves_its_checkpoint_page_by_page_and_a_crash_repeats_only_a_page(
        survey):
    records = [record(f"T{i}", i, email=f"p{i}@example.org") for i in range(5)]
    desk = FakeDesk(records, fail_after=2)
    bus = survey(desk)

    with pytest.raises(ConnectionError):
        bus.handle(PollConnector("desk"))

    assert decided(bus) == [(f"T{i}", 1) for i in range(4)]
    state = checkpoint(bus)
    assert state.checkpoint == records[3].moment and state.failures == 1
    assert "desk went away" in state.last_error and state.pulled == 4

    desk.fail_after = None
    result = bus.handle(PollConnector("desk"))
    assert desk.asked[-1] == records[3].moment  # from the checkpoint, not the start
    assert (result.duplicates, result.surveyed) == (1, 1)
    assert decided(bus) == [(f"T{i}", 1) for i in range(5)]
    assert checkpoint(bus).failures == 0


def test_an_unordered_desk_moves_its_checkpoint_once_a_whole_poll_is_done(survey):
    desk = FakeDesk([record("T1", 178), record("T2", 10)], ordered=False)  # 178: 2 min ago
    bus = survey(desk)

    bus.handle(PollConnector("desk"))

    # the newest record is more recent than now - margin: the margin wins
    assert checkpoint(bus).checkpoint == NOW - CLOCK_MARGIN


def test_a_backfill_reads_from_its_date_and_never_moves_the_checkpoint_back(survey):
    records = [record("OLD", -3000, email="old@example.org"), record("NEW", 60)]  # two days ago
    bus = survey(FakeDesk(records))
    bus.handle(PollConnector("desk"))
    assert decided(bus) == [("NEW", 1)]  # the start is a day ago: OLD is older
    newest = checkpoint(bus).checkpoint

    result = bus.handle(PollConnector("desk", since=NOW - timedelta(days=30)))

    assert (result.surveyed, result.duplicates) == (1, 1)
    assert decided(bus) == [("NEW", 1), ("OLD", 1)]
    assert checkpoint(bus).checkpoint == newest


def test_each_resolution_is_decided_once_and_its_tool_id_kept(survey):
    bus = survey(FakeDesk([record("T1", 1), record("T1", 2, resolution=2)]))

    bus.handle(PollConnector("desk"))
    bus.handle(PollConnector("desk", since=NOW - timedelta(days=2)))

    assert decided(bus) == [("T1", 1), ("T1", 2)]
    with bus.engine.connect() as conn:
        assert {(r.ticket_id, r.resolution, r.connector, r.ref)
                for r in conn.execute(select(ticket_refs))} == {
            ("T1", 1, "desk", "ref-T1"), ("T1", 2, "desk", "ref-T1")}


def test_an_unknown_connector_is_named(survey):
    with pytest.raises(UnknownConnector, match="'nope'.*'desk'"):
        survey(FakeDesk([])).handle(PollConnector("nope"))
