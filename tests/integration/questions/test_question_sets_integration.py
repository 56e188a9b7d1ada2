"""Issue #14 item 2 through the three services: a question set with NPS and a custom choice
question is sent by email, answered on the page and by API, and /v1/totals gives the NPS and
interval a hand computation gives (SQLite and PostgreSQL, the real broker, a real SMTP server)."""
import json
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from kafka import KafkaConsumer, TopicPartition

from chassis.kafka import KafkaPublisher, Record
from chassis.outbox import OutboxRelay
from chassis.testing import FakeClock
from chassis.tokens import generate_keypair
from contracts import decode
from contracts.personal import is_sealed
from devkit.testing import wait_for

pytestmark = pytest.mark.integration
REPLY_TAG_KEY = "questions-reply-tag-key"
# Six answers: promoters 10, 9, 10; passive 8; detractors 6, 3 (the first four on the page).
NPS = [10, 9, 8, 6, 3, 10]
CONTACT = ["phone", "portal", "email", "phone", "phone", "portal"]
# By hand: NPS = 100 (3/6 - 2/6) = 16.67; Var = (3/6 + 2/6 - (1/6)^2) / 6 = 0.134259;
# half width = 1.959964 * sqrt(0.134259) * 100 = 71.82, so 16.7 (-55.1 to 88.5).
EXPECTED = (6, 16.7, -55.1, 88.5)


@pytest.fixture(params=["sqlite", "postgresql"])
def urls(request, tmp_path):
    if request.param == "sqlite":
        return {name: f"sqlite:///{tmp_path / name}.db" for name in ("survey", "ingest", "analysis")}
    make = request.getfixturevalue("postgres_url_factory")
    return {name: make(f"q{name}") for name in ("survey", "ingest", "analysis")}


@pytest.fixture
def question_file(tmp_path):
    directorate = f"Digital {uuid.uuid4().hex[:8]}"
    label = {"en": "How likely are you to recommend us to a colleague?",
             "cy": "Pa mor debygol ydych chi o'n hargymell i gydweithiwr?"}
    sets = {"sets": [{"name": "digital", "version": 1, "directorate": directorate, "questions": [
        {"id": "nps", "type": "nps", "label": label},
        {"id": "contact", "type": "choice",
         "label": {"en": "How did you contact us?", "cy": "Sut wnaethoch chi gysylltu â ni?"},
         "options": [{"id": o, "label": {"en": o.title(), "cy": o.title()}}
                     for o in ("phone", "portal", "email")]},
        {"id": "improve", "type": "text",
         "label": {"en": "One thing we could do better", "cy": "Un peth y gallem ei wella"}}]}]}
    path = tmp_path / "question_sets.json"
    path.write_text(json.dumps(sets, ensure_ascii=False))
    return str(path), directorate


@pytest.fixture
def suite(urls, question_file, kafka_bootstrap, smtp_server, privacy_settings, tmp_path):
    from analysis_svc.bootstrap import build as build_analysis
    from analysis_svc.config import Settings as AnalysisSettings
    from ingest_svc.bootstrap import build as build_ingest
    from ingest_svc.config import Settings as IngestSettings
    from survey_svc.bootstrap import build as build_survey
    from survey_svc.config import Settings as SurveySettings
    keys, sets = generate_keypair(), question_file[0]
    ingest = build_ingest(IngestSettings(
        survey_verify_key=keys[1], secret_key=uuid.uuid4().hex, reply_tag_key=REPLY_TAG_KEY,
        database_url=urls["ingest"], kafka_bootstrap_servers=kafka_bootstrap,
        spool_dir=str(tmp_path / "spool"), api_tokens=("kiosk:kiosk-token",),
        question_sets_file=sets, **privacy_settings))
    clock = FakeClock(datetime.now(timezone.utc).replace(microsecond=0))
    survey = build_survey(SurveySettings(
        webhook_secret="w", admin_token="a", reply_tag_key=REPLY_TAG_KEY, signing_key=keys[0],
        database_url=urls["survey"], smtp_port=smtp_server.port,
        public_survey_url="http://survey.test", kafka_bootstrap_servers=kafka_bootstrap,
        question_sets_file=sets, **privacy_settings), clock=clock)
    analysis = build_analysis(AnalysisSettings(
        database_url=urls["analysis"], kafka_bootstrap_servers=kafka_bootstrap,
        admin_token="admin-secret", model_dir="", **privacy_settings),
        publisher=KafkaPublisher(kafka_bootstrap, "questions-test"))
    yield survey, ingest, analysis, clock
    for bus in (survey, ingest, analysis):
        bus.close()


class Tail:
    """A topic from its current end: what the test's own services publish."""

    def __init__(self, bootstrap: str, topic: str):
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        parts = [TopicPartition(topic, p) for p in self.consumer.partitions_for_topic(topic)]
        self.consumer.assign(parts)
        for tp, offset in self.consumer.end_offsets(parts).items():
            self.consumer.seek(tp, offset)
        self.records = []

    def matching(self, predicate) -> list:
        for batch in self.consumer.poll(timeout_ms=200).values():
            self.records.extend(batch)
        return [Record(r.topic, r.partition, r.offset, r.key, r.value) for r in self.records
                if predicate(decode(r.value))]


def _exactly(tail: Tail, predicate, count: int) -> list:
    """The tail's matching records once there are `count` of them (bounded wait)."""
    return wait_for(lambda: (found := tail.matching(predicate)) and len(found) == count and found,
                    30)


def _send_invitations(survey, clock, directorate: str, smtp_server) -> list[str]:
    from survey_svc.domain.commands import ResolveTicket
    from survey_svc.domain.model import Ticket
    from survey_svc.service_layer.dispatch import dispatch_due
    for i in range(len(NPS)):
        ticket = Ticket(f"INC-{uuid.uuid4().hex[:8]}", 1, clock.now(), f"req-{i}",
                        f"person{i}@example.org", f"Person {i}", directorate, service="Email")
        assert survey.handle(ResolveTicket(ticket)).surveyed
    clock.advance(timedelta(hours=2))
    mailer = survey.mailer_factory()
    assert dispatch_due(survey.uow_factory(), clock, mailer, survey.renderer).sent == len(NPS)
    mailer.close()
    messages = smtp_server.wait_for_messages(len(NPS))
    tokens = [re.search(r"http://survey\.test/s/([\w.-]+)\?score=4",
                        m.get_body(("html",)).get_content()).group(1) for m in messages]
    return tokens


def _answer_on_page(client, token: str, nps: int, contact: str) -> None:
    page = client.get(f"/s/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "How likely are you to recommend us" in html
    assert 'name="q_nps" type="radio" value="10"' in html and 'value="portal"' in html
    form = {name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
            for name in ("csrf_token", "submission_id")}
    sent = client.post(f"/s/{token}", data=form | {
        "score": "4", "resolved": "yes", "q_nps": str(nps), "q_contact": contact,
        "q_improve": "Call back sooner"})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]


def test_a_question_set_is_sent_answered_and_its_nps_reaches_the_totals(suite, question_file,
                                                                         kafka_bootstrap,
                                                                         smtp_server):
    from analysis_svc.app import create_app as analysis_app
    from analysis_svc.entrypoints.worker import handle_records
    from ingest_svc.app import create_app as ingest_app
    from ingest_svc.entrypoints.worker import handle_message
    survey, ingest, analysis, clock = suite
    directorate = question_file[1]
    lifecycle = Tail(kafka_bootstrap, "surveys.lifecycle")
    responses = Tail(kafka_bootstrap, "feedback.responses")
    tokens = _send_invitations(survey, clock, directorate, smtp_server)

    # survey-svc announces each invitation with its set; ingest-svc learns them.
    publisher = KafkaPublisher(kafka_bootstrap, "questions-test")
    OutboxRelay(survey.sessions, publisher).relay()
    publisher.close()
    ours = lambda e: e.data.get("directorate") == directorate  # noqa: E731
    created = _exactly(lifecycle, lambda e: ours(e) and e.event_type == "invitation.created",
                       len(NPS))
    for record in created:
        assert decode(record.value).data["question_set"] == "digital@1"
        handle_message(record, ingest)
    invitation_ids = [decode(r.value).data["invitation_id"] for r in created]

    client = ingest_app(ingest).test_client()
    for token, nps, contact in zip(tokens[:4], NPS, CONTACT):
        _answer_on_page(client, token, nps, contact)
    welsh = client.get(f"/s/{tokens[4]}?lang=cy").get_data(as_text=True)
    assert "Sut wnaethoch chi gysylltu â ni?" in welsh and "ddim yn debygol o gwbl" in welsh
    # The API: the other two invitations (those the page did not answer), and one refusal.
    answered = {decode(r.value).data["invitation_id"] for r in _exactly(responses, ours, 4)}
    left = [i for i in invitation_ids if i not in answered]
    auth = {"Authorization": "Bearer kiosk-token"}
    refused = client.post("/v1/responses", headers=auth, json={
        "invitation_id": left[0], "score": 4, "answers": [{"question_id": "nps", "value": 11}]})
    assert refused.status_code == 422
    assert refused.json["errors"]["json"]["answers.nps"] == ["Must be a whole number from 0 to 10."]
    for invitation_id, nps, contact in zip(left, NPS[4:], CONTACT[4:]):
        sent = client.post("/v1/responses", headers=auth, json={
            "invitation_id": invitation_id, "score": 3,
            "answers": [{"question_id": "nps", "value": nps},
                        {"question_id": "contact", "value": contact}]})
        assert sent.status_code in (201, 202), sent.json

    events = _exactly(responses, ours, len(NPS))
    for record in events:
        data = decode(record.value).data
        assert data["question_set"] == "digital@1"
        assert {a["question_id"] for a in data["answers"]} == {"nps", "contact"}
        # the short text is personal: sealed on the topic like the comment
        assert data["text_answers"] is None or is_sealed(data["text_answers"])
    assert sum(decode(r.value).data["text_answers"] is not None for r in events) == 4

    handle_records(analysis, created + events)
    feeds = analysis_app(analysis).test_client()
    totals = feeds.get("/v1/totals", query_string={"directorate": directorate, "period": "month"},
                       headers={"Authorization": "Bearer admin-secret"})
    assert totals.status_code == 200, totals.json
    [row] = totals.json
    assert (row["nps_responses"], row["nps"], row["nps_low"], row["nps_high"]) == EXPECTED
    assert row["responses"] == len(NPS) and row["ces"] is None
    # each stored answer readable with its set's ids
    items = feeds.get("/v1/responses", query_string={"directorate": directorate},
                      headers={"Authorization": "Bearer admin-secret"}).json["items"]
    assert sorted(a["value"] for i in items for a in i["answers"] if a["question_id"] == "nps") \
        == sorted(NPS)
    assert {i["question_set"] for i in items} == {"digital@1"}
