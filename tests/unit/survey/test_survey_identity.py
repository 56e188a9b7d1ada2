"""One person by requester id or normalised address: the throttle, opt-outs and test accounts."""
from datetime import datetime, timedelta, timezone

import pytest

from chassis.testing import FakeClock, FakePublisher
from chassis.tokens import generate_keypair
from survey_svc.bootstrap import build
from survey_svc.config import Settings
from survey_svc.domain.commands import OptOutRequester, ResolveTicket, SetPolicy
from survey_svc.domain.identity import identity_address
from survey_svc.domain.model import Ticket, decide
from survey_svc.domain.policy import Policy

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
KEYS = generate_keypair()


@pytest.mark.parametrize("given,keep,expected", [
    ("Ann.Lee@Example.ORG", False, "ann.lee@example.org"),
    ("  ann+housing@example.org ", False, "ann@example.org"),
    ("ann+housing@example.org", True, "ann+housing@example.org"),
    ("+tag@example.org", False, "+tag@example.org"),
    ("not-an-address", False, None),
    ("a@b@example.org", False, None),
    ("", False, None),
    (None, False, None),
])
def test_identity_address(given, keep, expected):
    assert identity_address(given, keep) == expected


def _ticket(ticket_id: str, requester_id: str, email: str | None, **kw) -> Ticket:
    return Ticket(ticket_id, 1, NOW - timedelta(days=1), requester_id, email, "Ann",
                  "Housing", **kw)


def test_a_test_account_listed_without_its_plus_tag_is_still_excluded():
    policy = Policy(test_accounts=("tester@example.org",))
    decision = decide(_ticket("T1", "u1", "Tester+run7@Example.org"), policy, opted_out=False,
                      last_invited_at=None, now=NOW)
    assert decision.reason == "test_account"


@pytest.fixture
def bus(tmp_path):
    settings = Settings(webhook_secret="w", admin_token="a", reply_tag_key="r", signing_key=KEYS[0],
                        database_url=f"sqlite:///{tmp_path / 'survey.db'}")
    bus = build(settings, publisher=FakePublisher(), clock=FakeClock(NOW))
    yield bus
    bus.close()


def test_the_same_mailbox_under_two_ids_is_surveyed_once_in_the_throttle_window(bus):
    first = bus.handle(ResolveTicket(_ticket("SN-1", "sn:ann", "ann@example.org")))
    second = bus.handle(ResolveTicket(_ticket("JSM-1", "jira:557058", "Ann+jira@Example.org")))
    assert first.surveyed and (second.surveyed, second.reason) == (False, "throttled")


def test_a_source_that_keeps_plus_tags_keeps_them_apart(bus):
    bus.handle(ResolveTicket(_ticket("SN-2", "sn:bo", "bo@example.org")))
    tagged = bus.handle(ResolveTicket(_ticket("SN-3", "sn:bo-2", "bo+lab@example.org",
                                              keep_plus_tag=True)))
    assert tagged.surveyed


def test_an_opt_out_under_one_id_excludes_the_same_address_under_another(bus):
    bus.handle(ResolveTicket(_ticket("SN-4", "sn:cy", "cy@example.org")))
    assert bus.handle(OptOutRequester("sn:cy"))
    later = _ticket("JSM-4", "jira:cy", "CY@example.org")
    later = Ticket(**{**later.__dict__, "resolved_at": NOW + timedelta(days=60)})
    bus.clock.advance(timedelta(days=61))
    outcome = bus.handle(ResolveTicket(later))
    assert (outcome.surveyed, outcome.reason) == (False, "opted_out")


def test_an_opt_out_stops_the_open_invitations_under_every_id_of_the_address(bus):
    bus.handle(SetPolicy("*", {"throttle_days": 0}, "test"))  # both tickets invited
    assert bus.handle(ResolveTicket(_ticket("SN-5", "sn:di", "di@example.org"))).surveyed
    assert bus.handle(ResolveTicket(_ticket("RT-5", "rt:di", "Di+rt@example.org"))).surveyed
    bus.handle(OptOutRequester("rt:di"))
    with bus.uow_factory() as uow:
        statuses = {i.ticket.requester_id: i.status for i in uow.invitations.query()}
    assert statuses == {"sn:di": "opted_out", "rt:di": "opted_out"}
