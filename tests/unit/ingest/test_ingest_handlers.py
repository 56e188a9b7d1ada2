"""Service layer: versions, idempotency, spooling, provisional ratings, email replies."""
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from chassis.auth import address_hash, reply_tag
from chassis.testing import FakeClock

from ingest_svc.adapters.delivery import flush_spool
from ingest_svc.bootstrap import build
from ingest_svc.config import Settings
from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer, Cohort, Invitation
from ingest_svc.service_layer.answers import Conflict, InvitationMismatch

from .fakes import FakeRawPublisher

COHORT = Cohort("Adult Social Care", "Email", "Software", "Service Desk")
KEY = "reply-tag-key"
INVITEE = "sam@example.org"


@pytest.fixture
def world(tmp_path):
    settings = Settings(survey_verify_key="unused", secret_key="unused", reply_tag_key=KEY,
                        database_url=f"sqlite:///{tmp_path / 'ingest.db'}",
                        spool_dir=str(tmp_path / "spool"))
    publisher, clock = FakeRawPublisher(), FakeClock()
    bus = build(settings, publisher=publisher, clock=clock)
    yield bus, publisher, clock
    bus.close()


def invitation(**kwargs):
    return Invitation(uuid.uuid4().hex, COHORT, "INC1", "portal", "en",
                      **{"invitee": address_hash(KEY, INVITEE), **kwargs})


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


def reply(inv_id, body, to=None, sender="Sam <Sam@Example.org>"):
    to = to or f"survey+{inv_id}.{reply_tag(KEY, inv_id)}@replies.localhost"
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: Re: How did we do?\r\n"
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


def reasons(bus):
    with bus.uow_factory() as uow:
        return [r._mapping["reason"] for r in reversed(uow.unmatched.list())]


def test_forged_reply_from_a_non_invitee_is_reviewed_and_amends_nothing(world):
    bus, publisher, _ = world
    inv = invitation()
    bus.handle(commands.RecordInvitation(inv))
    assert bus.handle(commands.IngestEmailReply(reply(inv.invitation_id, "4"), "smtp")).version == 1
    forged = reply(inv.invitation_id, "1\r\nForged.", sender="Mallory <mallory@example.org>")
    assert bus.handle(commands.IngestEmailReply(forged, "inbound-webhook")) is None
    plus_tagged = reply(inv.invitation_id, "1", sender="sam+x@example.org")  # plus-tags as given
    assert bus.handle(commands.IngestEmailReply(plus_tagged, "smtp")) is None
    assert reasons(bus) == ["sender is not the invitee"] * 2
    assert [(e.data["version"], e.data["score"]) for e in publisher.published] == [(1, 4)]


def test_reply_address_without_or_with_a_wrong_tag_is_reviewed(world):
    bus, publisher, _ = world
    inv = invitation()
    bus.handle(commands.RecordInvitation(inv))
    untagged = reply(inv.invitation_id, "5", to=f"survey+{inv.invitation_id}@replies.localhost")
    wrong = reply(inv.invitation_id, "5", to=f"survey+{inv.invitation_id}.{'0' * 16}@replies.localhost")
    other = reply(inv.invitation_id, "5", to=f"survey+{inv.invitation_id}.{reply_tag('not-the-key', inv.invitation_id)}@x")
    for raw in (untagged, wrong, other):
        assert bus.handle(commands.IngestEmailReply(raw, "smtp")) is None
    assert reasons(bus) == ["reply address without its tag", "reply address with a wrong tag",
                            "reply address with a wrong tag"]
    with bus.uow_factory() as uow:
        assert {r._mapping["invitation_id"] for r in uow.unmatched.list()} == {inv.invitation_id}
        assert not uow.responses.exists_for(inv.invitation_id)
    assert publisher.published == []


def test_reply_to_an_invitation_without_a_known_invitee_or_closed_is_reviewed(world):
    bus, publisher, clock = world
    anonymous, expiring, cancelled = (invitation(invitee=None),
                                      invitation(expires_at=clock.now() + timedelta(hours=1)), invitation())
    for inv in (anonymous, expiring, cancelled):
        bus.handle(commands.RecordInvitation(inv))
    bus.handle(commands.CloseInvitation(replace(cancelled, invitee=None), "cancelled"))
    clock.advance(timedelta(hours=2))
    for inv in (anonymous, expiring, cancelled):
        assert bus.handle(commands.IngestEmailReply(reply(inv.invitation_id, "5"), "smtp")) is None
    assert reasons(bus) == ["invitee address unknown", "invitation expired", "invitation cancelled"]
    assert publisher.published == []


def source_answer(claim, score=4, key=None):
    return commands.SubmitSourceAnswer(claim, Answer(score), "phone", "api:phone", key)


def test_source_answer_for_an_unknown_invitation_is_refused(world):
    bus, publisher, _ = world
    with pytest.raises(InvitationMismatch) as refused:
        bus.handle(source_answer(Invitation(uuid.uuid4().hex, Cohort(None))))
    assert list(refused.value.errors) == ["invitation_id"]
    assert publisher.published == []


def test_source_answer_cannot_move_an_invitation_to_another_cohort(world):
    bus, publisher, _ = world
    inv = invitation()
    bus.handle(commands.RecordInvitation(inv))
    for field, claim in [("directorate", Cohort("Children's Services")),
                         ("team", Cohort(None, team="Elsewhere"))]:
        with pytest.raises(InvitationMismatch) as refused:
            bus.handle(source_answer(Invitation(inv.invitation_id, claim)))
        assert list(refused.value.errors) == [field]
    assert publisher.published == []
    receipt = bus.handle(source_answer(Invitation(inv.invitation_id, Cohort("Adult Social Care")), 2))
    [event] = publisher.published
    assert receipt.version == 1 and event.data["invitation_id"] == inv.invitation_id
    assert (event.data["directorate"], event.data["service"], event.data["team"], event.data["ticket_id"]) == (
        COHORT.directorate, COHORT.service, COHORT.team, "INC1")


def test_source_answer_without_invitation_never_replaces_an_invitations_answer(world):
    bus, publisher, _ = world
    inv = invitation()
    bus.handle(commands.RecordInvitation(inv))
    mine = submit(bus, inv, 5)
    loose = [bus.handle(source_answer(Invitation(None, COHORT, "INC1"), 1, key)) for key in (None, "k1")]
    batch = bus.handle(commands.SubmitAnswers((source_answer(Invitation(None, COHORT, "INC1"), 1, "k2"),)))
    assert [r.version for r in loose + batch] == [1, 1, 1]
    assert mine.response_id not in {r.response_id for r in loose + batch}
    with bus.uow_factory() as uow:
        row = uow.responses.get(mine.response_id)._mapping
    assert (row["version"], row["score"], row["channel"], row["invitation_id"]) == (
        1, 5, "email_link", inv.invitation_id)
    assert [(e.data["invitation_id"], e.data["channel"], e.data["source"]) for e in publisher.published[1:]] == [
        (None, "phone", "api:phone")] * 3


def test_batch_refuses_a_line_for_another_cohort_and_keeps_the_rest(world):
    bus, publisher, _ = world
    inv = invitation()
    bus.handle(commands.RecordInvitation(inv))
    results = bus.handle(commands.SubmitAnswers((
        source_answer(Invitation(inv.invitation_id, Cohort("Elsewhere"))),
        source_answer(Invitation(uuid.uuid4().hex, Cohort(None))),
        source_answer(Invitation(inv.invitation_id, Cohort(None)), 3))))
    assert [list(r.errors) for r in results[:2]] == [["directorate"], ["invitation_id"]]
    assert results[2].version == 1
    assert [(e.data["directorate"], e.data["score"]) for e in publisher.published] == [(COHORT.directorate, 3)]
