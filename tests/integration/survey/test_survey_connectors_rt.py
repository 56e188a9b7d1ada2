"""A real Request Tracker 5: tickets resolved through its REST2 API are surveyed once per
resolution (also across a survey-svc killed mid-poll), a detractor's answer becomes one comment
on the RT ticket, and the ticket is reopened when the rules say so. survey-svc on SQLite and
PostgreSQL (db_url); RT on its own SQLite (the session's request_tracker)."""
import json
import os
import signal
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from chassis.auth import sign_webhook
from contracts import topics
from contracts.envelope import decode, encode, make_envelope
from survey_svc import bootstrap
from survey_svc.adapters.orm import (connector_state, decisions, invitations, itsm_writebacks,
                                     metadata)
from survey_svc.app import create_app
from survey_svc.connectors.pull import load_pull_connectors
from survey_svc.connectors.sources import load_push_sources
from survey_svc.domain.commands import (CheckFollowUps, DeliverWriteBacks, PollConnector,
                                        SendDueMail, SetPolicy)
from survey_svc.entrypoints.worker import handle_message

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CONNECTORS = """
[pull.rt]
kind = "rt"
url = "{url}"
secret_env = "RT_TOKEN"
page_size = {page_size}
rate = {rate}
start = "2000-01-01"
[pull.rt.options]
queue = "{queue}"
[pull.rt.writeback]
on = ["detractor"]
reopen = ["detractor"]
"""


class Rt:
    """The test's hands in RT: root's token creates and resolves tickets like an agent."""

    def __init__(self, tracker):
        self.api, self.session = tracker.api, requests.Session()
        self.session.headers["Authorization"] = f"token {tracker.root_token}"
        # one queue per test, with the connector user's rights: the test's own tickets only
        self.queue = tracker.add_queue(f"Surveys-{uuid.uuid4().hex[:8]}")

    def ticket(self, email: str, subject: str = "Boiler not working") -> str:
        made = self.session.post(f"{self.api}/ticket", json={
            "Queue": self.queue, "Subject": subject, "Requestor": email, "Content": "help"})
        made.raise_for_status()
        return made.json()["id"]

    def status(self, ticket: str, status: str | None = None) -> str:
        if status:
            self.session.put(f"{self.api}/ticket/{ticket}",
                             json={"Status": status}).raise_for_status()
        return self.session.get(f"{self.api}/ticket/{ticket}").json()["Status"]

    def reply(self, ticket: str, text: str) -> None:
        """An agent's reply to the requester (a Correspond transaction)."""
        self.session.post(f"{self.api}/ticket/{ticket}/correspond", json={
            "Content": text, "ContentType": "text/plain"}).raise_for_status()

    def as_pulled(self, ticket: str) -> dict:
        """The ticket as the pull connector reads it (REST2 search, linked fields expanded)."""
        found = self.session.get(f"{self.api}/tickets", params={
            "query": f"id = {int(ticket)}", "fields": "Status,Resolved,LastUpdated,Requestor,Queue",
            "fields[Requestor]": "EmailAddress,RealName,Name", "fields[Queue]": "Name"})
        found.raise_for_status()
        return found.json()["items"][0]

    def comments(self, ticket: str) -> list[str]:
        """The content of each comment on the ticket, oldest first."""
        history = self.session.get(f"{self.api}/ticket/{ticket}/history", params={
            "fields": "Type", "per_page": 100}).json()["items"]
        contents = []
        for txn in [t for t in history if t["Type"] == "Comment"]:
            attachments = self.session.get(f"{self.api}/transaction/{txn['id']}/attachments",
                                           params={"fields": "Content,ContentType"}).json()
            # in a collection the Content field is the text itself (base64 only on /attachment/:id)
            contents += [a["Content"] for a in attachments["items"]
                         if a.get("ContentType") == "text/plain"]
        return contents


@pytest.fixture
def rt(request_tracker):
    return Rt(request_tracker)


@pytest.fixture
def connectors_file(tmp_path, request_tracker, rt):
    def write(page_size: int = 100, rate: float = 0) -> str:
        path = tmp_path / "connectors.toml"
        path.write_text(CONNECTORS.format(url=request_tracker.url, page_size=page_size,
                                          rate=rate, queue=rt.queue))
        return str(path)
    return write


@pytest.fixture
def survey_rt(survey_settings, clock, connectors_file, request_tracker):
    """survey-svc with the RT connector, throttle off (one requester, several resolutions)."""
    buses = []

    def build(**options):
        connectors = load_pull_connectors(connectors_file(**options),
                                          {"RT_TOKEN": request_tracker.token})
        bus = bootstrap.build(survey_settings, clock=clock, connectors=connectors)
        bus.handle(SetPolicy("*", {"throttle_days": 0}, "test"))
        buses.append(bus)
        return bus

    yield build
    for bus in buses:
        bus.close()


def rows(bus, table, *where):
    with bus.engine.connect() as conn:
        return [r._mapping for r in conn.execute(select(table).where(*where))]


def answer(bus, invitation_id: str, score: int, comment: str | None,
           event_id: str | None = None):
    """ingest-svc's `response.submitted`, through the worker's per-message function."""
    envelope = make_envelope("response.submitted", {
        "directorate": "Unassigned", "response_id": f"r-{invitation_id}",
        "invitation_id": invitation_id, "version": 1, "score": score, "resolved": "no",
        "comment": comment, "channel": "email_link", "submitted_at": "2026-03-02T09:15:00+00:00"},
        "ingest-svc", **({"event_id": event_id} if event_id else {}))
    handle_message(topics.FEEDBACK_RESPONSES, encode(envelope), bus)
    return envelope


def test_resolutions_are_surveyed_once_and_a_detractor_comment_lands_once(
        rt, survey_rt, clock, smtp_server):
    bus = survey_rt(page_size=2)
    first, second, third = (rt.ticket(f"resident{i}@example.org") for i in (1, 2, 3))
    for ticket in (first, second, third):
        rt.status(ticket, "resolved")
    rt.status(second, "open")  # reopened before the poll: not resolved now, not surveyed

    polled = bus.handle(PollConnector("rt"))

    # pages start at the newest moment read: a ticket on the boundary is read again (a duplicate;
    # the reopen, read again, changes nothing either)
    assert polled.surveyed == 2 and polled.fetched - polled.duplicates >= 3
    # the reopen is read too: its resolution is decided "reopened", never surveyed
    assert {(r["ticket_id"], r["resolution"], r["reason"]) for r in rows(bus, decisions)} == {
        (first, 1, None), (second, 1, "reopened"), (third, 1, None)}
    assert bus.handle(PollConnector("rt")).surveyed == 0  # nothing new: duplicates only

    rt.status(first, "open")
    rt.status(first, "resolved")  # its second resolution
    rt.status(second, "resolved")  # its second resolution too: the first was reopened
    again = bus.handle(PollConnector("rt"))
    assert again.surveyed == 2
    assert {(r["ticket_id"], r["resolution"]) for r in rows(bus, decisions)} == {
        (first, 1), (first, 2), (second, 1), (second, 2), (third, 1)}

    clock.advance(timedelta(hours=2))  # past the policy's delay
    bus.handle(SendDueMail())
    sent = smtp_server.wait_for_messages(3)  # first's first invitation was superseded
    assert sorted(m["To"] for m in sent) == ["resident1@example.org", "resident2@example.org",
                                             "resident3@example.org"]

    [latest] = rows(bus, invitations, invitations.c.ticket_id == first,
                    invitations.c.resolution == 2)
    envelope = answer(bus, latest["id"], 1, "Still cold, nobody came")
    handle_message(topics.FEEDBACK_RESPONSES, encode(envelope), bus)  # redelivered
    [other] = rows(bus, invitations, invitations.c.ticket_id == third)
    answer(bus, other["id"], 5, None)  # a promoter: nothing goes back

    assert vars(bus.handle(DeliverWriteBacks())) == {"done": 1, "retrying": 0, "failed": 0}
    bus.handle(DeliverWriteBacks())
    [comment] = rt.comments(first)
    assert "Score: 1 of 5 (very dissatisfied)" in comment
    assert "Comment: Still cold, nobody came" in comment
    assert rt.status(first) == "open"  # reopened: the rule says detractors reopen
    assert rt.comments(third) == [] and rt.status(third) == "resolved"


def test_a_survey_svc_killed_mid_poll_surveys_every_resolution_once(
        rt, survey_rt, survey_settings, connectors_file, request_tracker, wait_for, tmp_path):
    tickets = [rt.ticket(f"person{i}@example.org") for i in range(8)]
    for ticket in tickets:
        rt.status(ticket, "resolved")
    bus = survey_rt(page_size=2)  # migrated, policy set
    env = {**os.environ, **_settings_env(survey_settings, tmp_path),
           "SURVEY_CONNECTORS_FILE": connectors_file(page_size=2, rate=2),
           "RT_TOKEN": request_tracker.token}
    poller = subprocess.Popen([str(Path(sys.executable).parent / "survey-svc"),
                               "connectors", "poll", "rt"], env=env,
                              stdout=(tmp_path / "poll.log").open("wb"),
                              stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: _count(bus, decisions) >= 3 or poller.poll() is not None,
                 timeout=120, message="a few decided")
        assert poller.poll() is None, (tmp_path / "poll.log").read_text()[-2000:]
    finally:
        poller.send_signal(signal.SIGKILL)
        poller.wait(30)
    assert _count(bus, decisions) < len(tickets)  # it really died mid-poll

    result = bus.handle(PollConnector("rt"))  # the restarted survey-svc carries on

    assert result.surveyed + result.duplicates == result.fetched
    decided = [(r["ticket_id"], r["resolution"]) for r in rows(bus, decisions)]
    assert sorted(decided) == sorted((t, 1) for t in tickets)  # each once, none lost
    assert _count(bus, invitations) == len(tickets)
    [state] = rows(bus, connector_state)
    assert state["failures"] == 0 and state["checkpoint"] is not None


def _count(bus, table) -> int:
    with bus.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def _settings_env(settings, tmp_path) -> dict:
    return {"PRIVACY_MASTER_KEY": "k" * 48, "PRIVACY_VAULT_URL": f"sqlite:///{tmp_path}/vault.db","WEBHOOK_SECRET": settings.webhook_secret, "ADMIN_TOKEN": settings.admin_token,
            "REPLY_TAG_KEY": settings.reply_tag_key, "SURVEY_SIGNING_KEY": settings.signing_key,
            "SURVEY_DATABASE_URL": settings.database_url}


def announced(bus, prefix: str) -> list:
    """survey-svc's outbox: the events of that type (prefix), oldest first."""
    outbox = metadata.tables["event_outbox"]
    with bus.engine.connect() as conn:
        envelopes = [decode(p) for p in conn.scalars(select(outbox.c.payload).order_by(outbox.c.id))]
    return [e for e in envelopes if e.event_type.startswith(prefix)]


def test_the_write_back_and_the_teams_follow_up_in_rt_are_announced_once_each(rt, survey_rt):
    bus = survey_rt()
    ticket = rt.ticket("resident9@example.org")
    rt.status(ticket, "resolved")
    assert bus.handle(PollConnector("rt")).surveyed == 1
    [invitation] = rows(bus, invitations, invitations.c.ticket_id == ticket)
    answer(bus, invitation["id"], 2, "Nobody called back")

    assert bus.handle(DeliverWriteBacks()).done == 1
    [delivered] = announced(bus, "writeback.")
    assert delivered.event_type == "writeback.delivered" and delivered.key == f"r-{invitation['id']}"
    assert {k: delivered.data[k] for k in ("ticket_id", "ref", "tool", "connector", "directorate",
                                           "reopened")} == {
        "ticket_id": ticket, "ref": ticket, "tool": "rt", "connector": "rt",
        "directorate": "Unassigned", "reopened": True}
    assert delivered.data["link"].endswith(f"/Ticket/Display.html?id={ticket}")
    assert bus.handle(CheckFollowUps("rt")) == 0  # only our own comment and reopen so far

    rt.reply(ticket, "An engineer comes on Tuesday")
    assert bus.handle(CheckFollowUps("rt")) == 1
    assert bus.handle(CheckFollowUps("rt")) == 0  # seen once
    rt.status(ticket, "resolved")
    assert bus.handle(CheckFollowUps("rt")) == 1
    replied, resolved = announced(bus, "ticket.followed_up")
    assert replied.data["summary"] == "Reply sent to the requester in Request Tracker"
    assert resolved.data["summary"] == "Status set to resolved in Request Tracker"
    assert replied.data["at"] <= resolved.data["at"]
    assert b"engineer" not in encode(replied)  # what was said stays in the tool


PUSH = """
[push.rt]
mapping = "rt"
auth = "signed"
secret_env = "PUSH_SECRET"
[push.rt-unlinked]
mapping = "rt"
auth = "signed"
secret_env = "PUSH_SECRET"
"""


def test_a_pushed_ticket_of_a_tool_with_a_connector_is_written_back_through_it(
        rt, survey_settings, clock, connectors_file, request_tracker):
    path = connectors_file()
    Path(path).write_text(Path(path).read_text() + PUSH)
    bus = bootstrap.build(survey_settings, clock=clock, connectors=load_pull_connectors(
        path, {"RT_TOKEN": request_tracker.token}), push_sources=load_push_sources(
        path, {"PUSH_SECRET": "push-s3cret"}))
    try:
        bus.handle(SetPolicy("*", {"throttle_days": 0}, "test"))
        client = create_app(bus).test_client()
        linked, unlinked = rt.ticket("pushed1@example.org"), rt.ticket("pushed2@example.org")
        for source, ticket in (("rt", linked), ("rt-unlinked", unlinked)):
            rt.status(ticket, "resolved")
            body = json.dumps(rt.as_pulled(ticket)).encode()
            pushed = client.post(f"/v1/tickets/resolved/{source}", data=body, headers={
                "Content-Type": "application/json",
                "X-Signature": sign_webhook("push-s3cret", body, int(clock.now().timestamp()))})
            assert pushed.status_code == 202 and pushed.json["surveyed"], pushed.json
            [invitation] = rows(bus, invitations, invitations.c.ticket_id == ticket)
            answer(bus, invitation["id"], 1, "Pushed and still broken")

        [queued] = rows(bus, itsm_writebacks)  # the unlinked source's ticket has no way back
        assert (queued["ticket_id"], queued["connector"], queued["ref"]) == (linked, "rt", linked)
        assert bus.handle(DeliverWriteBacks()).done == 1
        [comment] = rt.comments(linked)
        assert "Comment: Pushed and still broken" in comment
        assert rt.comments(unlinked) == []
    finally:
        bus.close()


def test_a_ticket_reopened_in_rt_before_its_survey_goes_cancels_it(rt, survey_rt, clock,
                                                                    smtp_server):
    bus = survey_rt()
    reopened, kept = rt.ticket("reopened@example.org"), rt.ticket("kept@example.org")
    for ticket in (reopened, kept):
        rt.status(ticket, "resolved")
    assert bus.handle(PollConnector("rt")).surveyed == 2  # both due after the policy's delay

    rt.status(reopened, "open")  # the customer wrote back: not fixed after all
    assert bus.handle(PollConnector("rt")).reopened == 1
    [cancelled] = rows(bus, invitations, invitations.c.ticket_id == reopened)
    assert cancelled["status"] == "cancelled"

    clock.advance(timedelta(hours=2))
    bus.handle(SendDueMail())
    [mail] = smtp_server.wait_for_messages(1)
    assert mail["To"] == "kept@example.org"

    rt.status(reopened, "resolved")  # resolved again: a new resolution, surveyed
    assert bus.handle(PollConnector("rt")).surveyed == 1
    assert {(r["resolution"], r["status"]) for r in rows(
        bus, invitations, invitations.c.ticket_id == reopened)} == {(1, "cancelled"),
                                                                    (2, "pending")}
