"""Each write-back attempt is announced with its state change (writeback.delivered / retrying /
parked, with a reason that never quotes the tool's answer); the team's follow-up is announced
once per new doing in the tool (#13). Service layer over fakes."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from chassis.testing import FakeClock
from contracts.registry import schema_for
from survey_svc.connectors.http import ItsmRefused, ItsmUnavailable
from survey_svc.domain.commands import CheckFollowUps, DeliverWriteBacks
from survey_svc.domain.writeback import DONE, MAX_ATTEMPTS, TeamFollowUp, WriteBack
from survey_svc.service_layer.followups import check_follow_ups
from survey_svc.service_layer.writeback import deliver_write_backs

NOW = datetime(2026, 3, 2, 9, 15, tzinfo=timezone.utc)


class FakeWriteBacks:
    def __init__(self, rows):
        self.rows = {wb.id: wb for wb in rows}

    def due(self, now, limit, connector=None):
        return [wb for wb in self.rows.values()
                if wb.status == "pending" and wb.next_attempt_at <= now][:limit]

    def watched(self, connector, delivered_since, limit):
        return [wb for wb in self.rows.values() if wb.status == DONE and wb.followup_mark
                and wb.done_at >= delivered_since][:limit]

    def save(self, wb):
        self.rows[wb.id] = wb


class FakeUow:
    def __init__(self, rows):
        self.writebacks, self.published, self.pending = FakeWriteBacks(rows), [], []

    def __enter__(self):
        self.pending = []
        return self

    def __exit__(self, *exc):
        self.pending = []

    def announce(self, event_type, data):
        self.pending.append((event_type, data))

    def commit(self):
        self.published += self.pending
        self.pending = []


@dataclass
class FakeTool:
    """A tool whose note step fails with `errors` in turn, then succeeds."""
    errors: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    looked: list = field(default_factory=list)

    def add_note(self, ref, text):
        if self.errors:
            raise self.errors.pop(0)
        return "2026-03-02 09:15:01"

    def reopen(self, ref):
        return "2026-03-02 09:15:02"

    def follow_up(self, ref, mark):
        self.looked.append(mark)
        return self.follow_ups.pop(0) if self.follow_ups else None


@dataclass(frozen=True)
class FakeConnector:
    source: FakeTool
    name: str = "snow"
    kind: str = "servicenow"

    def link_to(self, ref):
        return f"https://desk.example/{ref}"


def writeback(reopen=True) -> WriteBack:
    return WriteBack(id=1, response_id="r1", version=1, connector="snow", ref="abc",
                     ticket_id="INC0010023", note="Score: 1 of 5", reopen=reopen,
                     created_at=NOW, next_attempt_at=NOW, directorate="Housing")


def valid(event_type: str, data: dict) -> dict:
    assert schema_for(event_type).validate(schema_for(event_type).dump(data)) == {}
    return data


def test_a_failing_tool_is_announced_retrying_then_delivered_with_its_mark():
    tool = FakeTool([ItsmUnavailable("PATCH /api/now/table/incident/abc: HTTP 503 'quoted "
                                     "ticket text'", 503)])
    uow, clock = FakeUow([writeback()]), FakeClock(NOW)
    deliver = lambda: deliver_write_backs(DeliverWriteBacks(), uow,  # noqa: E731
                                          {"snow": FakeConnector(tool)}, clock)
    assert vars(deliver()) == {"done": 0, "retrying": 1, "failed": 0}
    [(kind, data)] = uow.published
    assert kind == "writeback.retrying" and valid(kind, data)["reason"] == "note: HTTP 503"
    assert (data["attempts"], data["next_attempt_at"]) == (1, NOW + timedelta(seconds=30))
    assert (data["tool"], data["link"], data["directorate"]) == (
        "servicenow", "https://desk.example/abc", "Housing")

    clock.advance(timedelta(seconds=30))
    assert deliver().done == 1
    kind, data = uow.published[-1]
    assert kind == "writeback.delivered" and valid(kind, data)["reopened"] is True
    assert (data["at"], data["next_attempt_at"]) == (NOW + timedelta(seconds=30), None)
    assert uow.writebacks.rows[1].followup_mark == "2026-03-02 09:15:02"  # after our reopen


def test_a_refusing_tool_is_parked_after_the_last_attempt_and_says_why():
    tool = FakeTool([ItsmRefused("PATCH ...: HTTP 403 'no rights'", 403)] * MAX_ATTEMPTS)
    uow, clock = FakeUow([writeback(reopen=False)]), FakeClock(NOW)
    for _ in range(MAX_ATTEMPTS):
        deliver_write_backs(DeliverWriteBacks(), uow, {"snow": FakeConnector(tool)}, clock)
        clock.advance(timedelta(hours=1))
    kinds = [kind for kind, _ in uow.published]
    assert kinds == ["writeback.retrying"] * (MAX_ATTEMPTS - 1) + ["writeback.parked"]
    parked = valid("writeback.parked", uow.published[-1][1])
    assert (parked["reason"], parked["attempts"], parked["next_attempt_at"]) == (
        "note: HTTP 403", MAX_ATTEMPTS, None)


def test_a_connector_removed_from_the_file_is_announced_with_its_name():
    uow = FakeUow([writeback()])
    deliver_write_backs(DeliverWriteBacks(), uow, {}, FakeClock(NOW))
    [(kind, data)] = uow.published
    assert valid(kind, data)["reason"] == "note: connector 'snow' is no longer configured"
    assert (data["tool"], data["link"]) == ("snow", None)


def test_each_new_follow_up_by_the_team_is_announced_once_from_the_last_mark():
    done = writeback()
    done.status, done.done_at, done.followup_mark = DONE, NOW, "2026-03-02 09:15:02"
    seen = TeamFollowUp(NOW + timedelta(hours=2), "Resolved in ServiceNow", "2026-03-02 11:15:00")
    tool = FakeTool(follow_ups=[None, seen, None])
    uow, clock = FakeUow([done]), FakeClock(NOW + timedelta(hours=1))
    check = lambda: check_follow_ups(CheckFollowUps("snow"), uow,  # noqa: E731
                                     {"snow": FakeConnector(tool)}, clock)
    assert (check(), check(), check()) == (0, 1, 0)
    [(kind, data)] = uow.published
    assert kind == "ticket.followed_up" and valid(kind, data)["summary"] == seen.summary
    assert data["at"] == seen.at and data["ref"] == "abc"
    assert tool.looked == ["2026-03-02 09:15:02", "2026-03-02 09:15:02", "2026-03-02 11:15:00"]
    clock.advance(timedelta(days=31))  # past the watch: the ticket is no longer asked about
    assert check() == 0 and len(tool.looked) == 3


def test_a_tool_without_follow_up_reading_is_not_watched():
    class Plain:
        pass
    uow = FakeUow([])
    assert check_follow_ups(CheckFollowUps("x"), uow,
                            {"x": FakeConnector(Plain(), name="x")}, FakeClock(NOW)) == 0
