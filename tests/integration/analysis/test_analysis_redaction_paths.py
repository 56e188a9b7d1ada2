"""One redaction on every way a comment leaves analysis-svc: alert email, export.csv, the record
feed, the dashboard's comments and detractor pages, and the board report's quotes (issue #12)."""
from datetime import datetime, timezone

import pytest
from markupsafe import escape

from analysis_svc.app import create_app
from analysis_svc.domain.commands import IssueToken
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import invitation, record, response

pytestmark = pytest.mark.integration
AT = datetime(2026, 11, 12, 10, tzinfo=timezone.utc)
# The requester's own name, a colleague the census lists, one it does not, and a typed password.
COMMENT = ("Sam Taylor here. Dave Smith and then Wojciech from the desk set my password to "
           "Hunter2! and Outlook still fails")
PERSONAL = ("Sam", "Taylor", "Dave", "Smith", "Wojciech", "Hunter2")
REDACTED = ("[NAME] here. [NAME] and then [NAME] from the desk set my password to [SECRET] "
            "and Outlook still fails")


@pytest.fixture
def consumed(make_services, smtp_server, unique):
    """A detractor's answer with COMMENT, consumed by analysis-svc with alert emails on."""
    services = make_services(alert_email=True, smtp_host=smtp_server.host, smtp_port=smtp_server.port)
    token = f"partner-{unique}"
    services.handle(IssueToken(("Adults",), "BP", "bp.adults@council.example", token=token))
    handle_records(services, [
        record(invitation("created", f"inv-{unique}", name="Sam Taylor", directorate="Adults")),
        record(response(f"r-{unique}", score=1, invitation_id=f"inv-{unique}", directorate="Adults",
                        comment=COMMENT, submitted_at=AT))])
    app = create_app(services)
    app.config["TESTING"] = True
    return services, app.test_client(), {"Authorization": f"Bearer {token}"}


def _clean(text: str) -> None:
    assert REDACTED in text
    assert not [word for word in PERSONAL if word in text]


def test_the_alert_email_carries_the_redacted_comment(consumed, smtp_server):
    services, _, _ = consumed
    assert services.mail_relay.relay() == 1
    [message] = smtp_server.wait_for_messages(1)
    _clean(message.get_content())


def test_the_export_and_the_record_feed_carry_the_redacted_comment(consumed):
    _, client, auth = consumed
    export = client.get("/v1/export.csv?from=2026-11-01&to=2026-11-30", headers=auth)
    assert export.status_code == 200
    _clean(export.get_data(as_text=True))
    feed = client.get("/v1/responses?from=2026-11-01&to=2026-11-30", headers=auth)
    [item] = feed.get_json()["items"]
    assert item["comment"] == REDACTED


def test_the_dashboard_pages_show_the_redacted_comment_and_say_how_much_is_removed(consumed):
    from analysis_svc.reports.privacy import coverage_statement
    _, client, auth = consumed
    for page in ("/dashboard/comments?from=2026-11-01&to=2026-11-30", "/dashboard/detractors"):
        html = client.get(page, headers=auth).get_data(as_text=True)
        _clean(html)
        assert str(escape(coverage_statement()["short"])) in html


def test_the_board_report_quotes_the_redacted_comment_and_states_the_measured_removal(consumed):
    from analysis_svc.reports.privacy import coverage_statement
    _, client, auth = consumed
    html = client.get("/reports/board?from=2026-11-01&to=2026-11-30", headers=auth).get_data(as_text=True)
    assert "“" + REDACTED + "”" in html
    assert not [word for word in PERSONAL if word in html]
    statement = coverage_statement()
    assert f"people&#39;s names {statement['names_recall']:.0%}" in html
    assert "Not removed" in html and 'id="redaction"' in html
