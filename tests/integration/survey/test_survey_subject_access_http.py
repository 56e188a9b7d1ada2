"""Subject access across the three services' real apps: ingest-svc and analysis-svc served on
ports and asked over HTTP by survey-svc (API and CLI), each on its own SQLite or PostgreSQL
database; a service that is down makes the document partial, and says so."""
import dataclasses
import json
import os
import subprocess
import sys
import threading
import uuid

import pytest
from werkzeug.serving import make_server

from analysis_svc.app import create_app as analysis_app
from analysis_svc.bootstrap import build as build_analysis
from analysis_svc.config import Settings as AnalysisSettings
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import record, response
from chassis.kafka import Record
from chassis.privacy import subject_of
from chassis.testing import FakePublisher
from ingest_svc.app import create_app as ingest_app
from ingest_svc.bootstrap import build as build_ingest
from ingest_svc.config import Settings as IngestSettings
from ingest_svc.domain import commands as ingest_commands
from ingest_svc.domain.model import Answer
from ingest_svc.entrypoints.worker import handle_message
from survey_svc import bootstrap
from survey_svc.adapters.orm import metadata
from survey_svc.app import create_app
from survey_svc.domain.commands import ResolveTicket
from survey_svc.domain.model import Ticket

from .conftest import ADMIN, REPLY_TAG_KEY

pytestmark = pytest.mark.integration
EMAIL, COMMENT = "Pat.ONeill@example.org", "Dave Smith sorted it, eventually"


class Served:
    """A WSGI app on a free port of 127.0.0.1, in a thread, until stopped."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)


class _RawSink(FakePublisher):
    def publish_raw(self, messages) -> None:
        self.published.extend(messages)


@pytest.fixture
def other_db(db_url, tmp_path, request):
    """other_db(name) -> another fresh database of the kind db_url is."""
    if db_url.startswith("sqlite"):
        return lambda name: f"sqlite:///{tmp_path / f'{name}.db'}"
    return lambda name: request.getfixturevalue("postgres_url_factory")(name)


@pytest.fixture
def peers(other_db, survey_keys, tmp_path):
    ingest = build_ingest(IngestSettings(
        survey_verify_key=survey_keys[1], secret_key="s", reply_tag_key=REPLY_TAG_KEY,
        admin_token=ADMIN, database_url=other_db("ingest"), spool_dir=str(tmp_path / "spool")),
        publisher=_RawSink())
    analysis = build_analysis(AnalysisSettings(admin_token=ADMIN, model_dir="",
                                               database_url=other_db("analysis")),
                              publisher=FakePublisher())
    served = {"ingest": Served(ingest_app(ingest)), "analysis": Served(analysis_app(analysis))}
    yield {"ingest": ingest, "analysis": analysis, **{f"{k}_server": v for k, v in served.items()}}
    for server in served.values():
        server.stop()
    ingest.close()
    analysis.close()


@pytest.fixture
def suite(survey_settings, clock, peers):
    settings = dataclasses.replace(survey_settings, ingest_admin_url=peers["ingest_server"].url,
                                   analysis_admin_url=peers["analysis_server"].url,
                                   subject_access_timeout_s=5.0)
    bus = bootstrap.build(settings, clock=clock)
    yield bus, create_app(bus).test_client()
    bus.close()


def their_story(survey, peers, clock) -> str:
    """Pat's ticket is surveyed, announced to the others, answered, scored."""
    ticket = Ticket("INC900", 1, clock.now(), "p-17", EMAIL, "Pat O'Neill", "Adult Social Care",
                    "Email", "Software", "Service Desk")
    invitation_id = survey.handle(ResolveTicket(ticket)).invitation_id
    with survey.engine.connect() as db:
        outbox = metadata.tables["event_outbox"]
        for row in db.execute(outbox.select().order_by(outbox.c.id)):
            handle_message(Record(row.topic, 0, 0, row.key, row.payload), peers["ingest"])
            handle_records(peers["analysis"], [Record(row.topic, 0, 0, row.key, row.payload)])
    with peers["ingest"].uow_factory() as uow:
        invitation = uow.invitations.get(invitation_id)
    peers["ingest"].handle(ingest_commands.SubmitAnswer(
        invitation, Answer(2, "yes", COMMENT), "email_link", "survey-page"))
    handle_records(peers["analysis"], [record(response(
        invitation_id=invitation_id, score=2, comment=COMMENT, directorate="Adult Social Care"))])
    return invitation_id


def audited(client_or_bus_app, action: str) -> list[dict]:
    return client_or_bus_app.get(f"/v1/access-audit?action={action}",
                                 headers={"Authorization": f"Bearer {ADMIN}"}).json["items"]


def test_one_document_of_everything_every_service_holds(suite, peers, clock, admin):
    survey, client = suite
    invitation_id = their_story(survey, peers, clock)

    found = client.get("/v1/subject-access", query_string={"email": EMAIL.lower()}, headers=admin)

    assert found.status_code == 200, found.json
    doc = found.json
    assert doc["complete"] is True and doc["missing"] == []
    assert subject_of(REPLY_TAG_KEY, email=EMAIL) in doc["request"]["subjects"]
    assert doc["request"]["invitation_ids"] == [invitation_id]
    services = doc["services"]
    assert [i["requester_email"] for i in services["survey-svc"]["invitations"]] == [EMAIL]
    [answer] = services["ingest-svc"]["responses"]
    assert answer["comment"] == COMMENT and answer["invitation_id"] == invitation_id
    [invited] = services["ingest-svc"]["invitations"]
    assert invited["invitee"] == subject_of(REPLY_TAG_KEY, email=EMAIL)
    [scored] = services["analysis-svc"]["responses"]
    assert scored["score"] == 2 and scored["redacted_comment"]
    assert [i["requester_name"] for i in services["analysis-svc"]["invitations"]] == ["Pat O'Neill"]

    [ours] = audited(client, "subject_access.read")
    assert ours["actor"] == "admin-token:tester" and EMAIL.lower() not in json.dumps(ours).lower()
    for name in ("ingest", "analysis"):
        peer = peers[f"{name}_server"]
        app = (ingest_app if name == "ingest" else analysis_app)(peers[name]).test_client()
        [theirs] = audited(app, "subject_data.read")
        assert theirs["actor"] == "admin-token:survey-svc for admin-token:tester", peer.url
        assert theirs["filters"]["invitation_ids"] == [invitation_id]


def test_a_service_that_is_down_leaves_a_partial_document_that_names_it(suite, peers, clock, admin):
    survey, client = suite
    their_story(survey, peers, clock)
    peers["analysis_server"].stop()

    found = client.get("/v1/subject-access", query_string={"requester_id": "p-17"}, headers=admin)

    assert found.status_code == 200
    doc = found.json
    assert doc["complete"] is False
    assert [m["service"] for m in doc["missing"]] == ["analysis-svc"]
    assert doc["missing"][0]["reason"].startswith("unreachable")
    assert doc["services"]["analysis-svc"] is None and doc["services"]["ingest-svc"]["responses"]


def test_the_api_is_for_the_admin_token_and_checks_its_question(suite):
    _, client = suite
    assert client.get("/v1/subject-access?email=a@example.org").status_code == 401
    admin = {"Authorization": f"Bearer {ADMIN}"}
    for query in ("", "?email=not-an-address", "?requester_id=", "?who=pat"):
        refused = client.get(f"/v1/subject-access{query}", headers=admin)
        assert refused.status_code == 400 and refused.json["message"], query


def _cli(service: str, args: list[str], env: dict) -> subprocess.CompletedProcess:
    module = f"{service.replace('-', '_')}.entrypoints.cli"
    return subprocess.run([sys.executable, "-c", f"from {module} import main; main()", *args],
                          capture_output=True, text=True, timeout=120, env={**os.environ, **env})


def test_the_cli_prints_the_document_and_says_when_it_is_partial(suite, peers, clock, tmp_path):
    survey, _ = suite
    their_story(survey, peers, clock)
    s = survey.settings
    env = {"WEBHOOK_SECRET": "w", "ADMIN_TOKEN": ADMIN, "REPLY_TAG_KEY": REPLY_TAG_KEY,
           "SURVEY_SIGNING_KEY": s.signing_key, "SURVEY_DATABASE_URL": s.database_url,
           "INGEST_ADMIN_URL": peers["ingest_server"].url,
           "ANALYSIS_ADMIN_URL": peers["analysis_server"].url, "USER": "dpo",
           "PRIVACY_MASTER_KEY": "subject-access-test-master-key-0123456789",
           "PRIVACY_VAULT_URL": f"sqlite:///{tmp_path / 'vault.db'}"}

    whole = _cli("survey-svc", ["subject-access", "--email", EMAIL], env)
    assert whole.returncode == 0, whole.stderr
    assert json.loads(whole.stdout)["services"]["ingest-svc"]["responses"][0]["comment"] == COMMENT

    partial = _cli("survey-svc", ["subject-access", "--email", EMAIL],
                   {**env, "ANALYSIS_ADMIN_URL": "off"})
    assert partial.returncode == 2 and json.loads(partial.stdout)["complete"] is False
    assert "analysis-svc not configured" in partial.stderr

    listed = _cli("survey-svc", ["audit", "list", "--action", "subject_access.read"], env)
    assert listed.returncode == 0, listed.stderr
    entries = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(entries) == 2 and {e["actor"] for e in entries} == {"cli:dpo"}
    assert _cli("survey-svc", ["subject-access"], env).returncode == 2
