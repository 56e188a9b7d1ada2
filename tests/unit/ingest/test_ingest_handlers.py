"""Service layer: versions, idempotency, spooling, provisional ratings, email replies."""
import uuid
from datetime import timedelta

import pytest

from chassis.testing import FakeClock

from ingest_svc.adapters.delivery import flush_spool
from ingest_svc.bootstrap import build
from ingest_svc.config import Settings
from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer, Cohort, Invitation
from ingest_svc.service_layer.answers import Conflict

from .fakes import FakeRawPublisher

COHORT = Cohort("Adult Social Care", "Email", "Software", "Service Desk")


@pytest.fixture
def world(tmp_path):
    settings = Settings(survey_verify_key="unused", secret_key="unused",
                        database_url=f"sqlite:///{tmp_path / 'ingest.db'}",
                        spool_dir=str(tmp_path / "spool"))
    publisher, clock = FakeRawPublisher(), FakeClock()
    bus = build(settings, publisher=publisher, clock=clock)
    yield bus, publisher, clock
    bus.close()


def invitation(**kwargs):
    return Invitation(uuid.uuid4().hex, COHORT, "INC1", "portal", "en", **kwargs)


def submit(bus, inv, score, key=None, source="survey-page"):
    return bus.handle(commands.SubmitAnswer(inv, Answer(score), "email_link", source, key))


def test_second_answer_amends_with_same_response_id(world):
    bus, publisher, _ = world
    inv = invitation()
    first, second = submit(bus, inv, 4), submit(bus, inv, 2)
    assert (first.version, second.version) == (1, 2)
    assert first.response_id == second.response_id
    events = publisher.published
    assert [e.event_type for e in events] == ["response.submitted", "response.amended"]
    assert {e.key for e in events} == {inv.invitation_id}
    assert events[0].data["directorate"] == "Adult Social Care" and events[0].data["team"] == "Service Desk"


def test_idempotency_key_replays_same_event(world):
    bus, publisher, _ = world
    inv = invitation()
    first = submit(bus, inv, 4, key="k1", source="api:phone")
    again = submit(bus, inv, 4, key="k1", source="api:phone")
    assert again.replayed and (again.response_id, again.version) == (first.response_id, 1)
    assert len({e.event_id for e in publisher.published}) == 1
    with pytest.raises(Conflict):
        submit(bus, inv, 5, key="k1", source="api:phone")


def test_broker_down_spools_and_later_events_queue_behind(world):
    bus, publisher, _ = world
    inv = invitation()
    publisher.down = True
    assert submit(bus, inv, 1).delivery == "spooled"
    publisher.down = False
    # The broker is back, but v2 must not overtake v1: it queues behind the spool.
    assert submit(bus, inv, 5).delivery == "spooled"
    assert publisher.published == []
    assert flush_spool(bus.spool, publisher) == 2
    assert [e.data["version"] for e in publisher.published] == [1, 2]
    assert submit(bus, inv, 3).delivery == "published"


def test_flush_stops_at_failure_and_keeps_order(world):
    bus, publisher, _ = world
    publisher.down = True
    for score in (1, 2, 3):
        submit(bus, invitation(), score)
    assert flush_spool(bus.spool, publisher) == 0 and bus.spool.count() == 3
    publisher.down = False
    assert flush_spool(bus.spool, publisher) == 3
    assert [e.data["score"] for e in publisher.published] == [1, 2, 3]


def test_provisional_rating_confirmed_only_after_grace(world):
    bus, publisher, clock = world
    inv = invitation()
    bus.handle(commands.RecordProvisionalRating(inv, 2))
    assert bus.handle(commands.ConfirmStaleProvisionalRatings(600)) == 0
    clock.advance(timedelta(minutes=11))
    assert bus.handle(commands.ConfirmStaleProvisionalRatings(600)) == 1
    assert bus.handle(commands.ConfirmStaleProvisionalRatings(600)) == 0
    [event] = publisher.published
    assert event.data["score"] == 2 and event.data["source"] == "provisional-click"


def test_send_settles_provisional_rating(world):
    bus, publisher, clock = world
    inv = invitation()
    bus.handle(commands.RecordProvisionalRating(inv, 2))
    submit(bus, inv, 5)
    clock.advance(timedelta(hours=1))
    assert bus.handle(commands.ConfirmStaleProvisionalRatings(600)) == 0
    assert [e.data["score"] for e in publisher.published] == [5]


def reply(inv_id, body, to=None):
    to = to or f"survey+{inv_id}@replies.localhost"
    return (f"From: sam@example.org\r\nTo: {to}\r\nSubject: Re: How did we do?\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@example.org>\r\n\r\n{body}").encode()


def test_email_reply_matched_by_plus_address(world):
    bus, publisher, _ = world
    inv = invitation()
    bus.handle(commands.RecordInvitation(inv))
    receipt = bus.handle(commands.IngestEmailReply(
        reply(inv.invitation_id, "Very satisfied\r\nQuick and kind.\r\n> old"), "smtp"))
    assert receipt.version == 1
    [event] = publisher.published
    assert (event.data["score"], event.data["comment"], event.data["channel"]) == (
        5, "Quick and kind.", "email_reply")
    assert event.data["directorate"] == COHORT.directorate


def test_unmatched_replies_are_kept_for_review(world):
    bus, publisher, _ = world
    unknown = uuid.uuid4().hex
    inv = invitation()
    bus.handle(commands.RecordInvitation(inv))
    assert bus.handle(commands.IngestEmailReply(reply(unknown, "4"), "smtp")) is None
    assert bus.handle(commands.IngestEmailReply(
        reply(inv.invitation_id, "who are you?"), "smtp")) is None
    with bus.uow_factory() as uow:
        reasons = sorted(r._mapping["reason"] for r in uow.unmatched.list())
    assert reasons == ["no rating on the first line", "unknown invitation"]
    assert publisher.published == []
