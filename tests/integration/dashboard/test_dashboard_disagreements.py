"""The overview's list of answers whose score and comment disagree: scoped, escaped, newest first."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from chassis.kafka import Record
from chassis.testing import FakePublisher
from contracts.envelope import encode

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.domain.commands import IssueToken
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import response
from dashboard_seed import ADMIN, PARTNER, settings

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
ANGRY = "Absolutely useless, the worst service ever, I am furious <b>again</b>"
PRAISE = "Brilliant, excellent and friendly help, thank you so much, really great"


@pytest.fixture
def app(tmp_path):
    bus = build(settings(f"sqlite:///{tmp_path / 'odd.db'}"), publisher=FakePublisher())
    answers = [  # (id, directorate, score, comment, days ago)
        ("wrong-click", "Adult Social Care", 5, ANGRY, 1),
        ("sarcasm-or-praise", "Public Health", 1, PRAISE, 2),
        ("agrees-happy", "Adult Social Care", 5, PRAISE, 1),
        ("agrees-angry", "Adult Social Care", 1, ANGRY.replace("<b>again</b>", "today"), 1)]
    envelopes = [response(rid, score=score, comment=comment, directorate=directorate,
                          service="Printing", submitted_at=NOW - timedelta(days=days))
                 for rid, directorate, score, comment, days in answers]
    handle_records(bus, [Record(e.topic, 0, i, e.key, encode(e)) for i, e in enumerate(envelopes)])
    bus.handle(IssueToken(("Adult Social Care",), "ASC partner", "asc@council.example",
                          token=PARTNER))
    app = create_app(bus)
    app.config["TESTING"] = True
    yield app
    bus.close()


def _section(app, token) -> str:
    client = app.test_client()
    page = client.get("/dashboard/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    client.post("/dashboard/sign-in", data={"token": token, "csrf_token": csrf})
    html = client.get("/dashboard?period=month").get_data(as_text=True)
    assert "Too few answers in this selection to test for changes." in html  # one month only
    start = html.index("Score and comment disagree")
    return html[start:html.index("</table>", start) if "</table>" in html[start:] else None]


def test_disagreeing_answers_are_listed_newest_first_and_agreeing_ones_are_not(app):
    listed = _section(app, ADMIN)
    assert "I am furious &lt;b&gt;again&lt;/b&gt;" in listed and "<b>again" not in listed
    assert PRAISE in listed and listed.index("furious") < listed.index(PRAISE)
    assert listed.count('class="govuk-table__cell dash-comment"') == 2  # no agreeing answer
    assert "furious today" not in listed


def test_a_partner_sees_only_their_directorates_disagreements(app):
    listed = _section(app, PARTNER)
    assert "I am furious &lt;b&gt;again&lt;/b&gt;" in listed
    assert PRAISE not in listed and "Public Health" not in listed
