"""Erasure on request across the three services on the real broker, SQLite and PostgreSQL:
requested on survey-svc's API, completed by every service, idempotent, survives a service
being down, and replays of old events do not bring the person back."""
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from confluent_kafka import Consumer, TopicPartition
from sqlalchemy import select

from chassis.kafka import KafkaPublisher, client_config
from contracts import topics
from contracts.personal import is_sealed
from devkit.testing import wait_for

from analysis_svc.adapters import orm as analysis_orm
from analysis_svc.domain.erased import ERASED_COMMENT
from analysis_svc.testing import read_topic, topic_ends
from ingest_svc.adapters import orm as ingest_orm
from ingest_svc.domain import commands as ingest_commands
from ingest_svc.domain.model import Answer
from survey_svc.adapters import orm as survey_orm
from survey_svc.app import create_app
from survey_svc.domain.commands import ResolveTicket
from survey_svc.domain.model import Ticket

pytestmark = pytest.mark.integration
COMMENT = "Pat O'Neill here: Dave Smith sorted it, eventually"


def rows(bus, table, *where):
    with bus.engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(select(table).where(*where))]


def address(suite, name="pat.oneill") -> str:
    return f"{name}.{suite.unique}@example.org"


def resolve(suite, email, name="Pat O'Neill") -> str:
    ticket = Ticket(f"INC-{uuid.uuid4().hex[:8]}", 1, datetime.now(timezone.utc) - timedelta(hours=2),
                    f"p-{uuid.uuid4().hex[:6]}", email, name, suite.directorate, "Email",
                    "Software", "Service Desk", channel="portal")
    return suite.survey.handle(ResolveTicket(ticket)).invitation_id


def of(suite, bus, table, invitation_id):
    """The rows of one invitation (the shared broker brings other tests' too)."""
    column = table.c.id if bus is suite.survey else table.c.invitation_id
    return rows(bus, table, column == invitation_id)


def answer(suite, invitation_id, comment=COMMENT, score=2) -> None:
    """The person answers on the survey page, once ingest-svc has learnt the invitation."""
    wait_for(lambda: rows(suite.ingest, ingest_orm.invitations,
                          ingest_orm.invitations.c.invitation_id == invitation_id),
             30, message="ingest-svc learns the invitation")
    with suite.ingest.uow_factory() as uow:
        invitation = uow.invitations.get(invitation_id)
    suite.ingest.handle(ingest_commands.SubmitAnswer(
        invitation, Answer(score, "yes", comment), "email_link", "survey-page"))
    wait_for(lambda: rows(suite.analysis, analysis_orm.responses,
                          analysis_orm.responses.c.invitation_id == invitation_id),
             60, message="analysis-svc stores the answer")


def unmatched_reply(suite, sender) -> None:
    raw = (f"From: {sender}\r\nTo: survey@replies.localhost\r\nSubject: Re: survey\r\n"
           f"Message-ID: <{uuid.uuid4().hex}@example.org>\r\n\r\n{COMMENT}").encode()
    suite.ingest.handle(ingest_commands.IngestEmailReply(raw, "smtp"))


def request_erasure(client, admin, **body):
    response = client.post("/v1/erasure-requests", json=body, headers=admin)
    assert response.status_code == 202, response.json
    assert response.headers["Location"] == f"/v1/erasure-requests/{response.json['id']}"
    return response


def completed(client, admin, location, timeout=90):
    def done():
        shown = client.get(location, headers=admin).json
        return shown if shown["status"] == "completed" else None
    return wait_for(done, timeout, interval=0.2, message="every service completes the erasure")


def numbers(suite):
    """The suite's answers as the statistics see them, and its rollup cells."""
    keep = ("score", "resolved", "label", "compound", "themes", "directorate", "service", "team")
    answers = [{k: r[k] for k in keep} for r in rows(
        suite.analysis, analysis_orm.responses,
        analysis_orm.responses.c.directorate == suite.directorate)]
    cells = [{k: v for k, v in c.items() if k != "id"} for c in rows(
        suite.analysis, analysis_orm.rollups, analysis_orm.rollups.c.directorate == suite.directorate)]
    return answers, cells


def assert_person_gone(suite, invitation_id, email):
    [invitation] = of(suite, suite.survey, survey_orm.invitations, invitation_id)
    assert (invitation["requester_email"], invitation["requester_name"],
            invitation["requester_id"]) == (None, None, "erased")
    [answer] = of(suite, suite.ingest, ingest_orm.responses, invitation_id)
    assert answer["comment"] is None and answer["score"] == 2
    [invited] = of(suite, suite.ingest, ingest_orm.invitations, invitation_id)
    assert invited["invitee"] is None
    assert [r for r in rows(suite.ingest, ingest_orm.unmatched_replies)
            if email.encode() in r["raw"].lower()] == []
    [scored] = of(suite, suite.analysis, analysis_orm.responses, invitation_id)
    assert scored["redacted_comment"] == ERASED_COMMENT and scored["score"] == 2
    assert [i["requester_name"] for i in of(
        suite, suite.analysis, analysis_orm.invitations, invitation_id)] == [None]
    assert email not in str(rows(suite.survey, survey_orm.invitations)).lower()


def test_an_erasure_completes_everywhere_once_and_keeps_the_numbers(suite, admin):
    for start in (suite.start_survey, suite.start_ingest, suite.start_analysis):
        start()
    client = create_app(suite.survey).test_client()
    email = address(suite)
    invitation_id = resolve(suite, email.replace("pat.oneill", "Pat.ONeill"))
    answer(suite, invitation_id)
    unmatched_reply(suite, f"Pat O'Neill <{email}>")
    before = numbers(suite)

    first = request_erasure(client, admin, email=email)
    again = request_erasure(client, admin, email=email.upper())  # asked twice
    assert again.json["id"] == first.json["id"]
    shown = completed(client, admin, first.headers["Location"])
    counts = {service: p["counts"] for service, p in shown["services"].items()}
    assert counts["ingest-svc"]["responses"] == 1 and counts["ingest-svc"]["unmatched_replies"] == 1
    assert counts["analysis-svc"]["responses"] == 1 and counts["survey-svc"]["invitations"] == 1
    assert_person_gone(suite, invitation_id, email)
    assert numbers(suite) == before
    # On the log from offset 0, the name was sealed under the person's key, now shredded.
    [created] = read_topic(suite.bootstrap, topics.SURVEYS_LIFECYCLE,
                           lambda e: e.event_type == "invitation.created"
                           and e.data["invitation_id"] == invitation_id)
    assert is_sealed(created.data["requester_name"])
    assert suite.survey.key_vault.open(created.data["requester_name"]) is None

    # The same request replayed: nobody does it twice, the report stays as it was.
    [requested] = read_topic(suite.bootstrap, topics.PRIVACY_REQUESTS,
                             lambda e: e.event_type == "erasure.requested"
                             and e.data["request_id"] == first.json["id"])
    publisher = KafkaPublisher(suite.bootstrap, "erasure-test")
    publisher.publish(replace(requested, event_id=str(uuid.uuid4())))
    caught_up(suite.bootstrap, suite.groups["ingest"], topics.PRIVACY_REQUESTS)
    caught_up(suite.bootstrap, suite.groups["analysis"] + "-privacy", topics.PRIVACY_REQUESTS)
    assert client.get(first.headers["Location"], headers=admin).json["services"] == \
        shown["services"]
    for bus, privacy in ((suite.ingest, ingest_orm.privacy), (suite.analysis, analysis_orm.privacy)):
        erasures = privacy["erasures"]
        assert len(rows(bus, erasures, erasures.c.request_id == first.json["id"])) == 1
    publisher.close()

    # Asked again once done: a new request, which finds nothing left to erase.
    later = request_erasure(client, admin, email=email)
    assert later.json["id"] != first.json["id"]
    redone = completed(client, admin, later.headers["Location"])
    assert redone["services"]["ingest-svc"]["counts"]["responses"] == 0


def test_a_service_down_when_asked_acts_when_it_is_back(suite, admin):
    suite.start_survey()
    suite.start_analysis()
    client = create_app(suite.survey).test_client()
    email = address(suite, "sam")
    invitation_id = resolve(suite, email, "Sam Jones")
    wait_for(lambda: of(suite, suite.analysis, analysis_orm.invitations, invitation_id), 60,
             message="analysis-svc learns the invitation")
    asked = request_erasure(client, admin, email=email)
    location = asked.headers["Location"]
    wait_for(lambda: client.get(location, headers=admin).json["services"]["analysis-svc"]
             ["status"] == "completed", 60, message="analysis-svc completes")
    shown = client.get(location, headers=admin).json
    assert shown["status"] == "pending" and shown["services"]["ingest-svc"]["status"] == "pending"

    suite.start_ingest()  # back: it reads the request it missed, and the invitation before it
    assert completed(client, admin, location)["services"]["ingest-svc"]["status"] == "completed"
    wait_for(lambda: of(suite, suite.ingest, ingest_orm.invitations, invitation_id), 30,
             message="ingest-svc reads the invitation it missed")
    [invitation] = of(suite, suite.ingest, ingest_orm.invitations, invitation_id)
    assert (invitation["invitee"], invitation["closed"]) == (None, "erased")


def test_replayed_old_events_do_not_bring_the_person_back(suite, admin):
    for start in (suite.start_survey, suite.start_ingest, suite.start_analysis):
        start()
    client = create_app(suite.survey).test_client()
    since = {topic: topic_ends(suite.bootstrap, topic)
             for topic in (topics.SURVEYS_LIFECYCLE, topics.FEEDBACK_RESPONSES)}
    invitation_id = resolve(suite, address(suite))
    answer(suite, invitation_id)
    before = numbers(suite)
    asked = request_erasure(client, admin, requester_id=of(
        suite, suite.survey, survey_orm.invitations, invitation_id)[0]["requester_id"])
    completed(client, admin, asked.headers["Location"])

    old = [e for topic, ends in since.items() for e in read_topic(
        suite.bootstrap, topic, lambda e: e.data.get("invitation_id") == invitation_id, ends)]
    assert {e.event_type for e in old} >= {"invitation.created", "response.submitted"}
    publisher = KafkaPublisher(suite.bootstrap, "erasure-test")
    # As they were (redelivered), and as a reset consumer sees them (new event ids).
    publisher.publish_many(old + [replace(e, event_id=str(uuid.uuid4())) for e in old])
    for group, subscribed in ((suite.groups["ingest"], [topics.SURVEYS_LIFECYCLE]),
                              (suite.groups["analysis"], list(since))):
        for topic in subscribed:
            caught_up(suite.bootstrap, group, topic)
    publisher.close()

    [invitation] = of(suite, suite.ingest, ingest_orm.invitations, invitation_id)
    assert (invitation["invitee"], invitation["closed"]) == (None, "erased")
    [scored] = of(suite, suite.analysis, analysis_orm.responses, invitation_id)
    assert scored["redacted_comment"] == ERASED_COMMENT
    assert [i["requester_name"] for i in of(
        suite, suite.analysis, analysis_orm.invitations, invitation_id)] == [None]
    assert numbers(suite) == before


def caught_up(bootstrap: str, group: str, topic: str, timeout: float = 60) -> None:
    """Wait until the group has committed every partition of the topic to its current end."""
    ends = topic_ends(bootstrap, topic)
    consumer = Consumer(client_config(bootstrap, "erasure-test", {"group.id": group}))
    try:
        def done():
            committed = consumer.committed([TopicPartition(topic, p) for p in ends], timeout=10)
            return all(tp.offset >= ends[tp.partition] for tp in committed)
        wait_for(done, timeout, interval=0.2, message=f"{group} reads {topic} to its end")
    finally:
        consumer.close()
