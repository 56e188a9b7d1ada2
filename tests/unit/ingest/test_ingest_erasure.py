"""Erasure in ingest-svc: answers, kept events, replies, spool and invitations lose the person;
a repeated request does nothing twice; a replayed invitation stays anonymous."""
import uuid

import pytest
from sqlalchemy import select

from chassis.auth import address_hash, reply_tag
from chassis.testing import FakeClock
from contracts import decode

from ingest_svc.adapters.delivery import flush_spool
from ingest_svc.adapters.orm import idempotency_keys, invitations, responses, unmatched_replies
from ingest_svc.bootstrap import build
from ingest_svc.config import Settings
from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer, Cohort, Invitation
from ingest_svc.service_layer.answers import InvitationMismatch

from .fakes import FakeRawPublisher

KEY, PAT, SAM = "reply-tag-key", "pat@example.org", "sam@example.org"
COHORT = Cohort("Adult Social Care", "Email", "Software", "Service Desk")


@pytest.fixture
def world(tmp_path):
    settings = Settings(survey_verify_key="unused", secret_key="unused", reply_tag_key=KEY,
                        database_url=f"sqlite:///{tmp_path / 'ingest.db'}",
                        spool_dir=str(tmp_path / "spool"))
    publisher = FakeRawPublisher()
    bus = build(settings, publisher=publisher, clock=FakeClock())
    yield bus, publisher
    bus.close()


def invited(bus, address):
    inv = Invitation(uuid.uuid4().hex, COHORT, "INC1", "portal", "en",
                     invitee=address_hash(KEY, address))
    bus.handle(commands.RecordInvitation(inv))
    return inv


def answer(bus, inv, comment, key=None):
    return bus.handle(commands.SubmitAnswer(inv, Answer(2, None, comment), "api", "api:phone",
                                            key))


def reply(inv_id, sender, body="who are you?"):
    to = f"survey+{inv_id}.{reply_tag(KEY, inv_id)}@replies.localhost"
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: Re: survey\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@example.org>\r\n\r\n{body}").encode()


def erase(bus, *invitation_ids, request_id="req-1"):
    return bus.handle(commands.EraseSubjects(request_id, (address_hash(KEY, PAT),),
                                             invitation_ids))


def reports(publisher):
    return [e for e in publisher.published if e.event_type == "erasure.completed"]


def rows(bus, table):
    with bus.engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(select(table))]


def test_erasure_anonymises_what_ingest_holds_about_the_person(world):
    bus, publisher = world
    pat, sam = invited(bus, PAT), invited(bus, SAM)
    answer(bus, pat, "Dave Smith sorted it", key="k1")
    answer(bus, sam, "Quick", key="k2")
    for raw in (reply(pat.invitation_id, "Pat <Pat@Example.org>"),
                reply(uuid.uuid4().hex, "pat@example.org"), reply(sam.invitation_id, SAM)):
        bus.handle(commands.IngestEmailReply(raw, "smtp"))
    counts = erase(bus)  # found by the invitee's address alone
    assert counts == {"spooled_events": 0, "responses": 1, "idempotency_envelopes": 1,
                      "unmatched_replies": 2, "invitations": 1}
    comments = {r["invitation_id"]: (r["comment"], r["score"]) for r in rows(bus, responses)}
    assert comments == {pat.invitation_id: (None, 2), sam.invitation_id: ("Quick", 2)}
    assert "Dave" not in str(rows(bus, idempotency_keys))
    assert [r["raw"].startswith(b"From: sam") for r in rows(bus, unmatched_replies)] == [True]
    erased = {r["invitation_id"]: (r["invitee"], r["closed"]) for r in rows(bus, invitations)}
    assert erased[pat.invitation_id] == (None, "erased") and erased[sam.invitation_id][0]
    [done] = reports(publisher)
    assert (done.data["request_id"], done.data["service"], done.data["counts"]) == (
        "req-1", "ingest-svc", counts)


def test_a_repeated_request_does_nothing_twice_and_reports_the_same(world):
    bus, publisher = world
    pat = invited(bus, PAT)
    answer(bus, pat, "Dave Smith sorted it")
    first, again = erase(bus, pat.invitation_id), erase(bus, pat.invitation_id)
    assert first == again and first["responses"] == 1
    assert len({e.event_id for e in reports(publisher)}) == 1 and len(reports(publisher)) == 2


def test_a_replayed_invitation_stays_anonymous_and_closed(world):
    bus, _ = world
    pat = invited(bus, PAT)
    erase(bus, pat.invitation_id)
    bus.handle(commands.RecordInvitation(pat))  # the old invitation.created, replayed
    [row] = rows(bus, invitations)
    assert (row["invitee"], row["closed"]) == (None, "erased")
    with pytest.raises(InvitationMismatch):
        bus.handle(commands.SubmitSourceAnswer(pat, Answer(5, None, "again"), "api", "api:x"))


def test_spooled_answers_still_go_out_without_their_comment(world):
    bus, publisher = world
    pat = invited(bus, PAT)
    publisher.down = True
    assert answer(bus, pat, "Dave Smith sorted it").delivery == "spooled"
    assert erase(bus, pat.invitation_id)["spooled_events"] == 1
    publisher.down = False
    assert flush_spool(bus.spool, publisher) >= 1
    [event] = [e for e in publisher.published if e.event_type == "response.submitted"]
    assert (event.data["comment"], event.data["score"]) == (None, 2)
    assert [decode(v).data["comment"] for *_, v in bus.spool.peek()] == []
