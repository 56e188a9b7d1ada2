"""Erasure on request in survey-svc: its own rows anonymised, the request announced, progress."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from chassis.privacy import subject_of
from chassis.privacy.settings import Unsealed
from chassis.testing import FakeClock, FakePublisher
from chassis.tokens import generate_keypair
from contracts.envelope import decode
from survey_svc.adapters.orm import invitations, metadata, opt_outs
from survey_svc.bootstrap import build
from survey_svc.config import Settings
from survey_svc.domain import commands
from survey_svc.domain.model import Ticket
from survey_svc.service_layer.erasure import show_erasure

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
KEY, KEYS = "reply-key", generate_keypair()


class FakeVault(Unsealed):  # seals nothing; records what is shredded
    def __init__(self):
        self.shredded = []

    def shred_subjects(self, subjects) -> int:
        self.shredded.append(list(subjects))
        return len(subjects)


@pytest.fixture
def vault():
    return FakeVault()


@pytest.fixture
def bus(tmp_path, vault):
    settings = Settings(webhook_secret="w", admin_token="a", reply_tag_key=KEY,
                        signing_key=KEYS[0], database_url=f"sqlite:///{tmp_path / 's.db'}")
    bus = build(settings, publisher=FakePublisher(), clock=FakeClock(NOW), mailers=(),
                key_vault=vault)
    yield bus
    bus.close()


def resolve(bus, ticket_id, requester_id="p-17", email="Pat@Example.org", resolution=1):
    ticket = Ticket(ticket_id, resolution, NOW - timedelta(days=1), requester_id, email,
                    "Pat O'Neill", "Adult Social Care", "Email", "Software", "Desk")
    return bus.handle(commands.ResolveTicket(ticket)).invitation_id


def rows(bus, table, *where):
    with bus.engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(select(table).where(*where))]


def announced(bus, event_type):
    outbox = metadata.tables["event_outbox"]
    return [e for e in (decode(r["payload"]) for r in rows(bus, outbox))
            if e.event_type == event_type]


def erase(bus, email=None, requester_id=None):
    return bus.handle(commands.RequestErasure(email, requester_id, "tester"))


def test_an_erasure_anonymises_invitations_and_announces_the_request(bus, vault):
    first, other = resolve(bus, "INC1"), resolve(bus, "INC2", "p-99", "someone@example.org")
    view, created = erase(bus, email="pat@example.org")
    assert created and view["status"] == "pending"
    [row] = rows(bus, invitations, invitations.c.id == first)
    assert (row["requester_email"], row["requester_name"], row["requester_id"]) == (
        None, None, "erased")
    assert row["status"] == "cancelled"
    assert rows(bus, invitations, invitations.c.id == other)[0]["requester_email"]
    subjects = sorted([subject_of(KEY, email="pat@example.org"),
                       subject_of(KEY, requester_id="p-17")])
    assert vault.shredded == [subjects]
    [event] = announced(bus, "erasure.requested")
    assert event.data["subjects"] == subjects and event.data["invitation_ids"] == [first]
    assert event.data["request_id"] == view["id"]
    [created] = [e for e in announced(bus, "invitation.created") if e.key == first]
    assert (created.data["requester_name"], created.data["requester_id"]) == (None, "erased")
    survey = view["services"]["survey-svc"]
    assert survey["status"] == "completed" and survey["counts"]["invitations"] == 1
    assert {s: p["status"] for s, p in view["services"].items()} == {
        "survey-svc": "completed", "ingest-svc": "pending", "analysis-svc": "pending"}


def test_a_requester_id_finds_the_address_too(bus):
    resolve(bus, "INC1")
    view, _ = erase(bus, requester_id="p-17")
    [event] = announced(bus, "erasure.requested")
    assert subject_of(KEY, email="pat@example.org") in event.data["subjects"]
    assert view["asked_by"] == "requester_id"


def test_an_address_finds_the_invitations_intake_counted_as_that_person(bus):
    tagged = resolve(bus, "INC1", "sn:pat", "Pat+desk@Example.org")
    erase(bus, email="pat@example.org")
    [row] = rows(bus, invitations, invitations.c.id == tagged)
    assert (row["requester_email"], row["requester_key"]) == (None, None)
    [event] = announced(bus, "erasure.requested")
    assert subject_of(KEY, email="pat+desk@example.org") in event.data["subjects"]


def test_asking_again_while_under_way_returns_the_same_request(bus, vault):
    resolve(bus, "INC1")
    first, _ = erase(bus, email="pat@example.org")
    again, created = erase(bus, email="PAT@example.org")
    assert not created and again["id"] == first["id"]
    assert len(announced(bus, "erasure.requested")) == 1 and len(vault.shredded) == 1


def test_an_opt_out_is_still_honoured_after_erasure(bus):
    bus.handle(commands.OptOutRequester("p-17"))
    resolve(bus, "INC1")
    erase(bus, requester_id="p-17")
    assert [r["requester_id"] for r in rows(bus, opt_outs)] == [
        subject_of(KEY, requester_id="p-17")]
    assert resolve(bus, "INC3") is None  # opted out: no invitation


def test_progress_completes_the_request_once_every_service_reported(bus):
    view, _ = erase(bus, email="nobody@example.org")
    done = lambda service, event_id: bus.handle(commands.RecordErasureProgress(  # noqa: E731
        event_id, view["id"], service, NOW, {"responses": 1}))
    assert done("ingest-svc", "e1")
    assert show_erasure(bus.uow_factory(), view["id"])["status"] == "pending"
    assert done("analysis-svc", "e2")
    assert not done("analysis-svc", "e2") and not done("analysis-svc", "e3")
    shown = show_erasure(bus.uow_factory(), view["id"])
    assert shown["status"] == "completed" and shown["completed_at"] == NOW
    assert shown["services"]["analysis-svc"]["counts"] == {"responses": 1}


def test_a_new_request_after_completion_is_a_new_request(bus):
    view, _ = erase(bus, email="nobody@example.org")
    for n, service in enumerate(("ingest-svc", "analysis-svc")):
        bus.handle(commands.RecordErasureProgress(f"e{n}", view["id"], service, NOW, {}))
    again, created = erase(bus, email="nobody@example.org")
    assert created and again["id"] != view["id"]
