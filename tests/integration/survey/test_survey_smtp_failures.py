"""A mail server that is away, then back; and one that says no for good."""
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, select

from chassis.outbox import outbox_table
from contracts.envelope import decode
from devkit.procs import free_port
from devkit.testing import SmtpSink
from chassis.mail import SmtpMailer
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
