"""Optional alert emails reach the directorate's business partner over real SMTP, redacted."""
from datetime import datetime, timezone

import pytest

from analysis_svc.service_layer.auth import hash_token
from analysis_svc.testing import invitation, record, response

pytestmark = pytest.mark.integration
AT = datetime(2026, 11, 2, tzinfo=timezone.utc)


def test_a_detractor_emails_the_partner_of_that_directorate_only(make_services, smtp_server, unique):
    services = make_services(alert_email=True, smtp_host=smtp_server.host, smtp_port=smtp_server.port)
    services.tokens.add(hash_token(f"a-{unique}"), ["Adults"], "BP", "bp.adults@council.example", AT)
    services.tokens.add(hash_token(f"c-{unique}"), ["Children"], "BP", "bp.children@council.example", AT)
    services.consumer().handle_batch([
        record(invitation("created", f"inv-{unique}", name="Sam Taylor", directorate="Adults")),
        record(response(f"r-{unique}", score=1, invitation_id=f"inv-{unique}", directorate="Adults",
                        comment="Sam Taylor here: still broken, ring 07700 900123", submitted_at=AT))])
    [message] = smtp_server.wait_for_messages(1)
    assert message["To"] == "bp.adults@council.example"
    assert "Detractor" in message["Subject"]
    body = message.get_content()
    assert f"r-{unique}" in body and "Sam" not in body and "07700" not in body
