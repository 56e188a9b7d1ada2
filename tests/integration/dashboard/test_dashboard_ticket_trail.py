"""The service desk's side on the dashboard (#13): each detractor's write-back to its ticket
(delivered, retrying, parked and why) and the team's follow-up in the tool, from survey-svc's
events through the real consumer; a count of failing write-backs on the overview; all of it
scoped to the viewer's directorates. SQLite and PostgreSQL."""
from datetime import datetime, timedelta, timezone

import pytest

from chassis.testing import FakeClock, FakePublisher
from contracts.envelope import make_envelope

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import ConsumeBatch, IssueToken, PrepareRebuild
from analysis_svc.testing import FakeAnalyser, record
from test_dashboard_pages import signed_in

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
AT = NOW - timedelta(days=1)
ADMIN = "admin-" + "x" * 24
ADULTS, CHILDREN = "pt_adults_partner_token_0001", "pt_children_partner_token_01"


def answer(response_id: str, ticket_id: str, directorate: str):
    return make_envelope("response.submitted", {
        "response_id": response_id, "invitation_id": None, "ticket_id": ticket_id,
        "version": 1, "score": 1, "comment": "bad, still broken", "channel": "email",
        "directorate": directorate, "service": "Housing repairs", "submitted_at": AT},
        "ingest-svc")


def trail(event_type: str, response_id: str, ticket_id: str, directorate: str, at, **extra):
    tool = extra.pop("tool", "rt")
    return make_envelope(event_type, {
        "response_id": response_id, "version": 1, "ticket_id": ticket_id,
        "directorate": directorate, "tool": tool, "connector": tool, "ref": ticket_id,
        "link": f"https://desk.example/{ticket_id}", "at": at, **extra}, "survey-svc")


@pytest.fixture
def bus(db_url):
    bus = build(Settings(database_url=db_url, admin_token=ADMIN, run_worker=False),
                publisher=FakePublisher(), clock=FakeClock(NOW), analyser=FakeAnalyser())
    bus.handle(IssueToken(("Adults",), "Adults partner", "a@council.example", token=ADULTS))
    bus.handle(IssueToken(("Children",), "Children partner", "c@council.example",
                          token=CHILDREN))
    yield bus
    bus.close()


def consume(bus, *envelopes) -> None:
    bus.handle(ConsumeBatch([record(e, offset=i) for i, e in enumerate(envelopes)]))


def page(bus, token: str, path: str) -> str:
    app = create_app(bus)
    app.config["TESTING"] = True
    return signed_in(app, token).get(path).get_data(as_text=True)


def test_each_detractor_shows_its_write_back_and_the_teams_follow_up_in_scope(bus):
    later = AT + timedelta(hours=1)
    consume(bus, answer("r-noted", "123", "Adults"), answer("r-failing", "124", "Adults"),
            answer("r-parked", "INC0010023", "Adults"), answer("r-child", "200", "Children"))
    consume(
        bus,
        trail("writeback.retrying", "r-noted", "123", "Adults", AT, attempts=1,
              reason="note: HTTP 503", next_attempt_at=AT + timedelta(seconds=30)),
        trail("writeback.delivered", "r-noted", "123", "Adults", later, reopened=True),
        trail("ticket.followed_up", "r-noted", "123", "Adults", later + timedelta(hours=2),
              summary="Reply sent to the requester in Request Tracker"),
        trail("writeback.retrying", "r-failing", "124", "Adults", later, attempts=3,
              reason="note: ConnectionError", next_attempt_at=later + timedelta(minutes=2)),
        trail("writeback.parked", "r-parked", "INC0010023", "Adults", later, attempts=12,
              reason="note: HTTP 403", tool="servicenow"),
        trail("writeback.retrying", "r-child", "200", "Children", later, attempts=1,
              reason="note: HTTP 500", next_attempt_at=later + timedelta(minutes=1)))
    # a late, older attempt of an answer already delivered changes nothing
    consume(bus, trail("writeback.retrying", "r-noted", "123", "Adults", AT - timedelta(hours=1),
                       attempts=1, reason="note: HTTP 502"))

    adults = page(bus, ADULTS, "/dashboard/detractors")
    assert ("Note added to ticket RT#123 and the ticket reopened at 19 Nov 2026 13:00."
            in adults)
    assert ("The team&#39;s follow-up: Reply sent to the requester in Request Tracker, "
            "19 Nov 2026 15:00." in adults)
    assert ("Could not reach Request Tracker for ticket RT#124: note: ConnectionError (will "
            "retry, next try 19 Nov 2026 13:02; 3 attempts so far)." in adults)
    assert ("ServiceNow did not take the note for ticket INC0010023 after 12 attempts: "
            "note: HTTP 403. It is parked" in adults)
    assert "HTTP 502" not in adults and "RT#200" not in adults  # superseded; not their scope

    overview = page(bus, ADULTS, "/dashboard")
    assert "2 write-backs to the service desk are failing." in overview
    children = page(bus, CHILDREN, "/dashboard")
    assert "1 write-back to the service desk is failing." in children
    assert "RT#124" not in page(bus, CHILDREN, "/dashboard/detractors")

    consume(bus, trail("writeback.delivered", "r-failing", "124", "Adults",
                       later + timedelta(minutes=2)))
    assert "1 write-back to the service desk is failing." in page(bus, ADULTS, "/dashboard")


def test_a_follow_up_before_its_delivery_event_is_kept_and_a_rebuild_starts_the_trail_afresh(
        bus):
    consume(bus, answer("r-1", "321", "Adults"),
            trail("ticket.followed_up", "r-1", "321", "Adults", AT + timedelta(hours=3),
                  summary="Comment added in Request Tracker"),
            trail("writeback.delivered", "r-1", "321", "Adults", AT + timedelta(hours=1)))
    adults = page(bus, ADULTS, "/dashboard/detractors")
    assert "Note added to ticket RT#321 at 19 Nov 2026 13:00." in adults
    assert "Comment added in Request Tracker, 19 Nov 2026 15:00." in adults

    bus.handle(PrepareRebuild(reset=True))
    with bus.sessions() as db:
        from analysis_svc import read_model
        assert read_model.trail_for(db, None, ["r-1"]) == {}
