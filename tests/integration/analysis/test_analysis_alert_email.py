"""Optional alert emails reach the directorate's business partner over real SMTP, redacted."""
from datetime import datetime, timezone

import pytest

from devkit.procs import free_port

from chassis.mail import SmtpMailer

from analysis_svc.adapters.mail_outbox import MailRelay
from analysis_svc.domain.commands import IssueToken
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import invitation, record, response

pytestmark = pytest.mark.integration
AT = datetime(2026, 11, 2, tzinfo=timezone.utc)


def test_a_detractor_emails_the_partner_of_that_directorate_only(make_services, smtp_server, unique):
    services = make_services(alert_email=True, smtp_host=smtp_server.host, smtp_port=smtp_server.port)
    services.handle(IssueToken(("Adults",), "BP", "bp.adults@council.example", token=f"a-{unique}"))
    services.handle(IssueToken(("Children",), "BP", "bp.children@council.example", token=f"c-{unique}"))
    handle_records(services, [
        record(invitation("created", f"inv-{unique}", name="Sam Taylor", directorate="Adults")),
        record(response(f"r-{unique}", score=1, invitation_id=f"inv-{unique}", directorate="Adults",
                        comment="Sam Taylor here: still broken, ring 07700 900123", submitted_at=AT))])
    assert services.mail_relay.relay() == 1
    [message] = smtp_server.wait_for_messages(1)
    assert message["To"] == "bp.adults@council.example"
    assert "Detractor" in message["Subject"]
    body = message.get_content()
    assert f"r-{unique}" in body and "Sam" not in body and "07700" not in body


def _detractor_batch(services, unique, n=1):
    services.handle(IssueToken(("Adults",), "BP", "bp@council.example", token=f"a-{unique}"))
    handle_records(services, [record(response(
        f"r{i}-{unique}", score=1, directorate="Adults", comment="awful", submitted_at=AT))
        for i in range(n)])


def test_alert_emails_are_staged_with_the_batch_so_a_crash_after_the_commit_loses_none(
        make_services, smtp_server, unique):
    smtp = {"alert_email": True, "smtp_host": smtp_server.host, "smtp_port": smtp_server.port}
    _detractor_batch(make_services(**smtp), unique, n=2)
    assert smtp_server.messages == []  # committed, not sent: the "crash" happens here
    restarted = make_services(**smtp)  # a new process on the same database sends them
    assert restarted.mail_relay.relay() == 2
    messages = smtp_server.wait_for_messages(2)
    assert {m["To"] for m in messages} == {"bp@council.example"}
    assert len({m["Message-ID"] for m in messages}) == 2
    assert restarted.mail_relay.relay() == 0  # each email goes out once


def test_an_unreachable_mail_server_leaves_the_email_pending_until_it_is_back(
        make_services, smtp_server, unique):
    services = make_services(alert_email=True, smtp_host=smtp_server.host,
                             smtp_port=smtp_server.port)
    _detractor_batch(services, unique)
    down = MailRelay(services.sessions, SmtpMailer("127.0.0.1", free_port(), timeout_s=2),
                     "a@example.org", services.clock)
    assert down.relay() == 0
    assert services.mail_relay.relay() == 1
    [message] = smtp_server.wait_for_messages(1)
    assert "Detractor" in message["Subject"]
