"""One bad alert email no longer blocks the rest: an unbuildable or refused one is parked with
its reason and never retried; a transient failure still leaves mail pending (real SMTP)."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from devkit.testing import SmtpSink

from analysis_svc.adapters.mail_outbox import alert_mail_outbox
from analysis_svc.domain.commands import IssueToken
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import record, response

pytestmark = pytest.mark.integration
AT = datetime(2026, 11, 2, tzinfo=timezone.utc)
REFUSED = "gone@council.example"


class RefusingSink(SmtpSink):
    """Says 550 (for good) to one address, 250 to the rest."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_smtp():
    sink = RefusingSink().start()
    yield sink
    sink.stop()


def _outbox(services) -> dict:
    with services.sessions() as session:
        rows = session.execute(sa.select(alert_mail_outbox).order_by(alert_mail_outbox.c.id))
        return {row.recipient + "|" + row.subject: row for row in rows}


def test_a_poisoned_row_is_parked_with_its_reason_and_the_good_ones_go(
        make_services, refusing_smtp, unique):
    services = make_services(alert_email=True, smtp_host=refusing_smtp.host,
                             smtp_port=refusing_smtp.port)
    for address in ("bp1@council.example", REFUSED, "bp2@council.example"):
        services.handle(IssueToken(("Adults",), "BP", address, token=f"{address}-{unique}"))
    with services.sessions() as session, session.begin():  # staged before contracts refused CR/LF
        session.execute(alert_mail_outbox.insert().values(
            alert_event_id=f"old-{unique}", recipient="bp1@council.example", created_at=AT,
            subject="Detractor: score 1 in Adults\r\nBcc: everyone@council.example", body="x"))
    handle_records(services, [record(response(f"r-{unique}", score=1, directorate="Adults",
                                              comment="awful", submitted_at=AT))])

    assert services.mail_relay.relay() == 2
    delivered = refusing_smtp.wait_for_messages(2)
    assert sorted(m["To"] for m in delivered) == ["bp1@council.example", "bp2@council.example"]
    assert all("Bcc" not in m and "Detractor: score 1 in Adults" in m["Subject"] for m in delivered)
    rows = _outbox(services).values()
    poisoned = [r for r in rows if r.alert_event_id == f"old-{unique}"][0]
    refused = [r for r in rows if r.recipient == REFUSED][0]
    assert poisoned.sent_at is None and poisoned.parked_at is not None
    assert "cannot be built" in poisoned.park_reason and "linefeed" in poisoned.park_reason
    assert refused.sent_at is None and "refused" in refused.park_reason
    assert services.mail_relay.relay() == 0  # parked is not pending: never retried
    assert len(refusing_smtp.messages) == 2
