"""A mail server that is away, then back; and one that says no for good."""
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, select, update

from chassis.outbox import outbox_table
from contracts.envelope import decode
from devkit.procs import free_port
from devkit.testing import SmtpSink
from chassis.mail import SmtpMailer
from survey_svc.adapters.orm import invitations
from survey_svc.service_layer.dispatch import dispatch_due

pytestmark = pytest.mark.integration


@pytest.fixture
def resolve_many(client, signed, ticket_payload, clock):
    def resolve(count: int, prefix: str) -> list[str]:
        ids = []
        for n in range(count):
            body, headers = signed(ticket_payload(f"{prefix}-{n}", clock.now() - timedelta(days=1)))
            ids.append(client.post("/v1/tickets/resolved", data=body,
                                   headers=headers).json["invitation_id"])
        return ids
    return resolve


def test_mail_server_down_then_back_sends_every_mail_exactly_once(survey, clock, resolve_many):
    port = free_port()
    resolve_many(12, "INC-D")
    mailer = SmtpMailer("127.0.0.1", port, attempts=2, max_wait_s=0.1)
    down = dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer)
    assert (down.sent, down.deferred, down.stopped is not None) == (0, 1, True)
    back = SmtpSink(port=port).start()
    try:
        assert dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer).sent == 11
        clock.advance(timedelta(minutes=5))  # past the deferred one's backoff
        assert dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer).sent == 1
        clock.advance(timedelta(days=1))
        assert dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer).sent == 0
        ids = [m["Message-ID"] for m in back.wait_for_messages(12)]
        assert len(ids) == len(set(ids)) == 12
    finally:
        mailer.close()
        back.stop()


class RejectingSink(SmtpSink):
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("inc-bad"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_permanent_rejection_bounces_and_is_not_retried(survey, clock, resolve_many):
    sink = RejectingSink(port=free_port()).start()
    mailer = SmtpMailer("127.0.0.1", sink.port)
    try:
        [bad] = resolve_many(1, "INC-BAD")
        resolve_many(2, "INC-OK")
        first = dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer)
        assert (first.sent, first.bounced) == (2, 1)
        clock.advance(timedelta(days=2))
        assert dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer).bounced == 0
        assert len(sink.wait_for_messages(2)) == 2
    finally:
        mailer.close()
        sink.stop()
    with survey.uow_factory() as uow:
        assert uow.invitations.get(bad).status == "bounced"
    outbox = outbox_table(MetaData())
    with survey.sessions() as session:
        events = [decode(p) for p in session.scalars(select(outbox.c.payload))]
    assert [e.data["invitation_id"] for e in events if e.event_type == "invitation.bounced"] == [bad]


def _legacy(survey, invitation_id: str, **values) -> None:
    """A row kept before the contracts refused control characters."""
    with survey.engine.begin() as conn:
        conn.execute(update(invitations).where(invitations.c.id == invitation_id).values(**values))


def test_a_poisoned_invitation_is_parked_with_its_reason_and_the_rest_go(
        survey, clock, resolve_many, smtp_server):
    poisoned, odd, *good = resolve_many(4, "INC-P")
    _legacy(survey, poisoned, requester_name="Pat\r\nBcc: everyone@example.org")
    _legacy(survey, odd, directorate="Adults\r\nSocial Care")  # not a header: sent, announced
    mailer = SmtpMailer("127.0.0.1", smtp_server.port)
    try:
        first = dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer)
        assert (first.sent, first.bounced, first.stopped) == (3, 1, None)
        clock.advance(timedelta(days=4))  # past the reminders, which go out; it stays parked
        again = dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer)
        assert (again.sent, again.reminded, again.bounced) == (0, 3, 0)
    finally:
        mailer.close()
    messages = smtp_server.wait_for_messages(6)
    assert all("everyone@example.org" not in str(m) for m in messages)
    with survey.uow_factory() as uow:
        parked = uow.invitations.get(poisoned)
        assert parked.status == "bounced" and "display name" in parked.last_error
        assert "control character U+000D" in parked.last_error
        assert {uow.invitations.get(i).status for i in (odd, *good)} == {"reminded"}
    outbox = outbox_table(MetaData())
    with survey.sessions() as session:
        events = [decode(p) for p in session.scalars(select(outbox.c.payload))]
    [bounced] = [e for e in events if e.event_type == "invitation.bounced"]
    assert bounced.data["invitation_id"] == poisoned and "U+000D" in bounced.data["reason"]
    sent = {e.data["invitation_id"]: e.data for e in events if e.event_type == "invitation.sent"}
    assert sent[odd]["directorate"] == "Adults  Social Care"
