"""Alerts reach Teams and Slack incoming webhooks (local HTTP servers that record what they get)
through the outbox: by directorate route, redacted, retried on 429/5xx, parked on a refusal."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from chassis.kafka import KafkaPublisher
from chassis.testing import FakeClock
from devkit.stub_api import StubApi

from analysis_svc.adapters.webhook_outbox import alert_webhook_outbox
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.channels import parse_routes, parse_webhooks
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import invitation, record, response

pytestmark = pytest.mark.integration
AT = datetime(2026, 11, 2, tzinfo=timezone.utc)


@pytest.fixture
def hooks():
    """Two recording webhook servers; set .answers to a list of statuses to play (then 200)."""
    made = []

    def make():
        def handler(request):
            status = server.answers.pop(0) if server.answers else 200
            body = {"error": "Bad payload received by generic incoming webhook."} if status == 400 else None
            return status, body, ({"Retry-After": "0"} if status == 429 else {})
        server = StubApi(handler)
        server.answers = []
        made.append(server.start())
        return server

    yield make
    for server in made:
        server.stop()


@pytest.fixture
def channel_services(db_url, kafka_bootstrap):
    made = []

    def make(webhooks: str, routes: str, clock=None):
        settings = Settings(database_url=db_url, kafka_bootstrap_servers=kafka_bootstrap,
                            admin_token="admin-secret", model_dir="",
                            alert_webhooks=parse_webhooks(webhooks), alert_routes=parse_routes(routes),
                            public_url="https://dash.example")
        services = build(settings, publisher=KafkaPublisher(kafka_bootstrap, "analysis-test"),
                         clock=clock or FakeClock(AT))
        made.append(services)
        return services

    yield make
    for services in made:
        services.close()


def _detractor(services, unique, directorate="Adults"):
    handle_records(services, [
        record(invitation("created", f"inv-{unique}", name="Sam Taylor", directorate=directorate)),
        record(response(f"r-{unique}", score=1, invitation_id=f"inv-{unique}", directorate=directorate,
                        comment="Sam Taylor here: still broken, ring 07700 900123", submitted_at=AT))])


def _rows(services):
    with services.sessions() as session:
        return session.execute(sa.select(alert_webhook_outbox).order_by(
            alert_webhook_outbox.c.id)).mappings().all()


def test_a_detractor_goes_to_its_directorates_teams_and_slack_channels_redacted(
        channel_services, hooks, unique):
    teams, slack, other = hooks(), hooks(), hooks()
    services = channel_services(f"t=teams:{teams.url}/hook;s=slack:{slack.url}/hook;"
                                f"c=slack:{other.url}/hook", "Adults=t,s;Children=c")
    _detractor(services, unique)
    assert services.webhook_relay.relay() == 2
    [to_teams], [to_slack] = teams.requests, slack.requests
    assert other.requests == []  # Children's channel hears nothing of Adults
    card = to_teams.json()["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert to_teams.headers["Content-Type"].startswith("application/json")
    assert set(to_slack.json()) == {"text", "blocks"}
    for seen in (to_teams, to_slack):
        text = seen.body.decode()
        assert f"r-{unique}" in text and "still broken" in text
        assert "Sam" not in text and "07700" not in text
    assert services.webhook_relay.relay() == 0  # each alert goes once per channel


def test_a_teams_webhook_answering_400_is_parked_with_a_message_naming_the_problem(
        channel_services, hooks, unique):
    teams, slack = hooks(), hooks()
    teams.answers = [400]
    services = channel_services(f"adults-teams=teams:{teams.url}/hook;s=slack:{slack.url}/hook",
                                "Adults=adults-teams,s")
    _detractor(services, unique)
    assert services.webhook_relay.relay() == 1  # Slack's went; Teams' is parked, not retried
    assert len(teams.requests) == 1
    parked = {r["channel"]: r for r in _rows(services)}["adults-teams"]
    assert parked["parked_at"] is not None and parked["sent_at"] is None
    assert parked["park_reason"].startswith("Teams webhook 'adults-teams' refused the message: HTTP 400")
    assert "Bad payload received by generic incoming webhook." in parked["park_reason"]
    assert services.webhook_relay.relay() == 0 and len(teams.requests) == 1


def test_429_and_5xx_are_retried_with_backoff_then_sent(channel_services, hooks, unique):
    slack = hooks()
    slack.answers = [429, 503]
    services = channel_services(f"s=slack:{slack.url}/hook", "*=s")
    _detractor(services, unique)
    assert services.webhook_relay.relay() == 1
    assert len(slack.requests) == 3 and slack.requests[0].body == slack.requests[2].body


def test_a_webhook_still_failing_waits_for_later_rounds_then_is_parked(channel_services, hooks, unique):
    slack, clock = hooks(), FakeClock(AT)
    slack.answers = [500] * 100
    services = channel_services(f"s=slack:{slack.url}/hook", "*=s", clock)
    services.webhook_relay.max_rounds = 2
    _detractor(services, unique)
    assert services.webhook_relay.relay() == 0
    [row] = _rows(services)
    assert row["attempts"] == 1 and row["next_attempt_at"] > AT and "HTTP 500" in row["last_error"]
    tried = len(slack.requests)
    assert services.webhook_relay.relay() == 0 and len(slack.requests) == tried  # not due yet
    clock.advance(timedelta(hours=1))
    assert services.webhook_relay.relay() == 0
    [row] = _rows(services)
    assert row["parked_at"] is not None and row["park_reason"].startswith("gave up after 2 rounds")


def test_an_erasure_before_the_send_leaves_the_comment_out(channel_services, hooks, unique):
    from analysis_svc.domain.commands import EraseSubjects
    from analysis_svc.domain.erased import ERASED_COMMENT
    slack = hooks()
    services = channel_services(f"s=slack:{slack.url}/hook", "*=s")
    _detractor(services, unique)
    services.handle(EraseSubjects(f"req-{unique}", (), (f"inv-{unique}",)))
    assert services.webhook_relay.relay() == 1
    [seen] = slack.requests
    body = seen.body.decode()
    assert "still broken" not in body
    assert ERASED_COMMENT in body  # the channel hears that there was a comment, not what it said
