"""bootstrap.build wires one bus; overrides replace adapters by name; commands run end to end."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from chassis.auth import address_hash, reply_tag
from chassis.testing import FakeClock, FakePublisher
from chassis.tokens import generate_keypair
from contracts.envelope import decode
from survey_svc.adapters.orm import metadata
from survey_svc.bootstrap import build
from survey_svc.config import Settings
from survey_svc.domain.commands import ResolveTicket, SendDueMail
from survey_svc.domain.model import Ticket

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
KEYS = generate_keypair()


class FakeMailer:
    def __init__(self):
        self.sent = []

    def send(self, mail) -> None:
        self.sent.append(mail)

    def close(self) -> None:
        return None


@pytest.fixture
def bus(tmp_path):
    settings = Settings(webhook_secret="w", admin_token="a", reply_tag_key="r", signing_key=KEYS[0],
                        database_url=f"sqlite:///{tmp_path / 'survey.db'}")
    bus = build(settings, publisher=FakePublisher(), clock=FakeClock(NOW),
                mailers=(FakeMailer(),))
    yield bus
    bus.close()


def _events(bus) -> list:
    outbox = metadata.tables["event_outbox"]
    with bus.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.payload).order_by(outbox.c.id))
        return [decode(row.payload) for row in rows]


def _outbox(bus) -> list[str]:
    return [event.event_type for event in _events(bus)]


def test_a_resolved_ticket_becomes_an_invitation_and_its_lifecycle_event(bus):
    ticket = Ticket("INC-1", 1, NOW - timedelta(days=1), "req-1", "pat@example.org", "Pat",
                    "Adult Social Care")
    outcome = bus.handle(ResolveTicket(ticket))
    assert outcome.surveyed and not outcome.duplicate
    with bus.uow_factory() as uow:
        assert uow.invitations.get(outcome.invitation_id).status == "pending"
    [created] = _events(bus)
    assert created.event_type == "invitation.created"
    # The invitee's address only as its keyed hash, for ingest-svc to check a reply's sender.
    assert created.data["requester_email_hash"] == address_hash("r", "Pat <PAT@example.org>")
    assert "pat@example.org" not in str(created.data)
    assert bus.handle(ResolveTicket(ticket)).duplicate


def test_a_dispatch_round_sends_through_the_wired_mailer(bus):
    ticket = Ticket("INC-2", 1, NOW - timedelta(days=1), "req-2", "sam@example.org", "Sam",
                    "Place")
    invitation_id = bus.handle(ResolveTicket(ticket)).invitation_id
    done = bus.handle(SendDueMail(limit=10))
    [mailer] = bus.mailers
    assert (done.sent, done.bounced, done.deferred) == (1, 0, 0)
    assert [m.recipients for m in mailer.sent] == [("sam@example.org",)]
    tag = reply_tag("r", invitation_id)
    assert f"survey+{invitation_id}.{tag}@".encode() in mailer.sent[0].data
    assert _outbox(bus) == ["invitation.created", "invitation.sent"]
    assert bus.publisher.published == []  # the relay, not the handler, publishes
