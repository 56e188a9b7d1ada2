"""End to end, issue #12: a person answers by the survey page (Chromium), the API channel and an
email reply, naming a colleague; a subject access request returns all of it; an erasure request
completes on all three services; then nothing they wrote or were called is left in any database,
the spool, the logs or on any topic read from offset 0, the figures are unchanged, and
`analysis-svc rebuild` reproduces them. On a broker of its own, SQLite and PostgreSQL."""
import json
import os
import random
import subprocess
import sys
import re
import smtplib
import string
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from sqlalchemy import MetaData, create_engine, select, text
from werkzeug.serving import make_server

from chassis.auth import sign_webhook
from chassis.kafka import client_config, records_of
from chassis.testing import FakeClock
from chassis.tokens import generate_keypair
from contracts.topics import TOPICS
from devkit.testing import free_port, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.integration]
REPLY_TAG_KEY, ADMIN, PHONE = "e2e-privacy-reply-key", "e2e-privacy-admin", "e2e-phone-token"
SEALED = re.compile(rb"pii:v1:[0-9a-f]{24}:[A-Za-z0-9_-]+")


def _letters(n: int) -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n))


class Person:
    """Someone no other test wrote about: every string below is searched for at the end."""

    def __init__(self):
        self.email = f"pat.{_letters(8)}@example.org"
        self.name = f"Pat {_letters(7).capitalize()}"
        mark = _letters(6)
        self.page = f"Dave Smith sorted the printer, {mark} page, thanks from {self.name}"
        self.reply = f"Still slow afterwards, Dave Smith said wait {mark}"
        self.api = f"Phoned back by Dave Smith about my laptop {mark}"
        self.unmatched = f"Who do I ask about my password {mark}"

    def traces(self) -> list[str]:
        return [self.email, self.name, self.page, self.reply, self.api, self.unmatched]


class Served:
    def __init__(self, app, port: int):
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


class Suite:
    """The three services on one broker and one key vault, each on its own database; their
    workers in threads, ingest-svc's and analysis-svc's APIs on ports (survey-svc asks them)."""

    def __init__(self, database_url, bootstrap: str, smtp_port: int, tmp_path, privacy: dict):
        from analysis_svc.app import create_app as analysis_app
        from analysis_svc.bootstrap import build as build_analysis
        from analysis_svc.config import Settings as AnalysisSettings
        from ingest_svc.app import create_app as ingest_app
        from ingest_svc.bootstrap import build as build_ingest
        from ingest_svc.config import Settings as IngestSettings
        from survey_svc.app import create_app as survey_app
        from survey_svc.bootstrap import build as build_survey
        from survey_svc.config import Settings as SurveySettings
        keys, ports = generate_keypair(), (free_port(), free_port())
        self.urls = {name: database_url(name) for name in ("survey", "ingest", "analysis")}
        self.spool = tmp_path / "spool"
        self.ingest = build_ingest(IngestSettings(
            survey_verify_key=keys[1], secret_key=uuid.uuid4().hex, reply_tag_key=REPLY_TAG_KEY,
            database_url=self.urls["ingest"], kafka_bootstrap_servers=bootstrap,
            spool_dir=str(self.spool), api_tokens=(f"phone:{PHONE}",), admin_token=ADMIN,
            **privacy))
        self.analysis = build_analysis(AnalysisSettings(
            database_url=self.urls["analysis"], kafka_bootstrap_servers=bootstrap,
            admin_token=ADMIN, model_dir="", min_cell_size=1, **privacy))
        self.served = [Served(ingest_app(self.ingest), ports[0]),
                       Served(analysis_app(self.analysis), ports[1])]
        self.clock = FakeClock(datetime.now(timezone.utc).replace(microsecond=0))
        self.survey = build_survey(SurveySettings(
            webhook_secret="e2e-secret", admin_token=ADMIN, reply_tag_key=REPLY_TAG_KEY,
            signing_key=keys[0], database_url=self.urls["survey"], smtp_port=smtp_port,
            public_survey_url=self.served[0].url, kafka_bootstrap_servers=bootstrap,
            ingest_admin_url=self.served[0].url, analysis_admin_url=self.served[1].url,
            dispatch_interval_s=0.2, **privacy), clock=self.clock)
        self.client = survey_app(self.survey).test_client()
        self.stops, self.threads = [threading.Event(), threading.Event()], []

    @property
    def analysis_url(self) -> str:
        return self.served[1].url

    @property
    def ingest_url(self) -> str:
        return self.served[0].url

    def start_workers(self) -> None:
        from analysis_svc.entrypoints import worker as analysis_worker
        from ingest_svc.entrypoints.worker import run_worker
        from survey_svc.entrypoints import worker as survey_worker
        for target, args in ((survey_worker.run, (self.survey, self.stops[0])),
                             (run_worker, (self.ingest,)),
                             (analysis_worker.run, (self.analysis, self.stops[1]))):
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self.threads.append(thread)

    def close(self) -> None:
        for stop in (*self.stops, self.ingest.stop):
            stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        for served in self.served:
            served.stop()
        for bus in (self.survey, self.ingest, self.analysis):
            bus.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return lambda name: f"sqlite:///{tmp_path / f'{name}.db'}"
    return lambda name: request.getfixturevalue("postgres_url_factory")(name)


@pytest.fixture
def service_logs():
    """Everything the services log during the test, as the JSON lines production writes."""
    import io
    import logging

    from chassis.logs import configure_logging
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    configure_logging("e2e", "INFO", stream=stream)
    yield stream
    root.handlers[:], _ = saved[0], root.setLevel(saved[1])


def resolve(suite, person, directorate: str) -> str:
    at = suite.clock.now()
    body = json.dumps({
        "ticket_id": f"INC-{uuid.uuid4().hex[:8]}", "resolution": 1, "resolved_at": at.isoformat(),
        "requester": {"id": f"u-{uuid.uuid4().hex[:6]}", "email": person.email, "name": person.name},
        "directorate": directorate, "service": "Printing", "category": "Hardware", "team": "Field",
        "priority": "P3", "channel": "phone"}).encode()
    answer = suite.client.post("/v1/tickets/resolved", data=body, headers={
        "X-Signature": sign_webhook("e2e-secret", body, int(at.timestamp())),
        "Content-Type": "application/json"})
    assert answer.status_code == 202 and answer.json["surveyed"], answer.json
    return answer.json["invitation_id"]


def mail_to(suite, smtp_server, count: int) -> list:
    """Due once the clock moves on; the worker's dispatcher (the only one: on SQLite a second
    would race it) sends it."""
    suite.clock.advance(timedelta(hours=2))
    return smtp_server.wait_for_messages(count, timeout=60)


def answer_on_page(browser, link: str, comment: str) -> None:
    page = browser.new_page()
    try:
        page.goto(link)
        page.get_by_label("Yes").check()
        page.get_by_label("Tell us more (optional)").fill(comment)
        page.get_by_role("button", name="Send").click()
        page.wait_for_url("**/thanks")
    finally:
        page.close()


def send_mail(port: int, sender: str, to: str, raw: str) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.sendmail(sender, [to], raw.encode())


def admin_get(url: str, **params) -> dict:
    got = requests.get(url, params=params, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
    assert got.status_code == 200, got.text
    return got.json()


def every_row(url: str) -> str:
    """Every row of every table of a database, as text."""
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as db:
            return "\n".join(repr(tuple(row)) for table in meta.sorted_tables
                             for row in db.execute(select(table)))
    finally:
        engine.dispose()


def sqlite_files(url: str) -> bytes:
    """A SQLite database's bytes on disk, after a checkpoint (deleted rows may linger in pages)."""
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            db.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    finally:
        engine.dispose()
    path = url.removeprefix("sqlite:///")
    return b"".join(open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p))


def everything_on(bootstrap: str) -> list[bytes]:
    """Every message on every topic of the suite, read from offset 0 (each starting there)."""
    consumer = Consumer(client_config(bootstrap, "e2e-reader", {
        "group.id": f"e2e-reader-{uuid.uuid4().hex}", "enable.auto.commit": False}))
    try:
        topics = consumer.list_topics(timeout=30).topics
        marks = {(t, p): consumer.get_watermark_offsets(TopicPartition(t, p), timeout=30)
                 for t in TOPICS for p in topics[t].partitions}
        assert all(low == 0 for low, _ in marks.values())
        left = {tp for tp, (low, high) in marks.items() if high > low}
        consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t, p in left])
        values = []
        while left:
            for record in records_of(consumer.consume(500, 1.0)):
                values.append((record.key or "").encode() + b" " + (record.value or b""))
                if record.offset >= marks[record.topic, record.partition][1] - 1:
                    left.discard((record.topic, record.partition))
        return values
    finally:
        consumer.close()


def test_a_person_answers_is_found_and_erased_everywhere(
        database_url, private_broker, smtp_server, browser, privacy_settings, service_logs,
        tmp_path):
    from ingest_svc.adapters.smtp_listener import start_listener
    broker = private_broker()
    suite = Suite(database_url, broker.bootstrap, smtp_server.port, tmp_path, privacy_settings)
    person, directorate = Person(), f"E2E {_letters(6).capitalize()}"
    try:
        suite.start_workers()
        invitation = resolve(suite, person, directorate)
        [mail] = mail_to(suite, smtp_server, 1)
        links = re.findall(re.escape(suite.ingest_url) + r"/s/[\w.-]+\?score=\d",
                           mail.get_body(("html",)).get_content())
        wait_for(lambda: _known_to_ingest(suite, invitation), 60,
                 message="ingest-svc learns the invitation")

        # The page (v1), an email reply (v2), the API channel (v3), and a stray reply.
        answer_on_page(browser, links[3], person.page)
        port = free_port()
        listener = start_listener(suite.ingest, "replies.localhost", "127.0.0.1", port)
        try:
            send_mail(port, person.email, mail["Reply-To"],
                      f"From: {person.email}\r\nTo: {mail['Reply-To']}\r\n"
                      f"Subject: Re: {mail['Subject']}\r\nMessage-ID: <{uuid.uuid4().hex}@x.org>"
                      f"\r\n\r\ndissatisfied\r\n{person.reply}\r\n\r\n"
                      f"> Survey reference: {invitation}\r\n")
            send_mail(port, person.email, "survey@replies.localhost",
                      f"From: {person.email}\r\nTo: survey@replies.localhost\r\nSubject: help"
                      f"\r\nMessage-ID: <{uuid.uuid4().hex}@x.org>\r\n\r\n{person.unmatched}\r\n")
        finally:
            listener.stop()
        api = requests.post(f"{suite.ingest_url}/v1/responses", timeout=30, json={
            "score": 2, "resolved": "no", "comment": person.api, "invitation_id": invitation}, headers={"Authorization": f"Bearer {PHONE}"})
        assert api.status_code == 202, api.text

        totals = f"{suite.analysis_url}/v1/totals"
        wait_for(lambda: _answered(suite, invitation, 3), 90,
                 message="analysis-svc counts the answer's third version")
        before = admin_get(totals, directorate=directorate, group_by="service")
        assert before and before[0]["responses"] == 1, before

        # Subject access: one document with everything, from every service.
        found = suite.client.get("/v1/subject-access", query_string={"email": person.email},
                                 headers={"Authorization": f"Bearer {ADMIN}"})
        assert found.status_code == 200, found.json
        document = json.dumps(found.json)
        assert found.json["complete"] is True
        for trace in (person.page, person.reply, person.api, person.unmatched, invitation):
            assert trace in document, trace
        assert person.name in document and person.email in document

        # Erasure: asked once, completed by every service.
        asked = suite.client.post("/v1/erasure-requests", json={"email": person.email},
                                  headers={"Authorization": f"Bearer {ADMIN}"})
        assert asked.status_code == 202, asked.json
        location = asked.headers["Location"]
        done = wait_for(lambda: _completed(suite, location), 120,
                        message="every service completes the erasure")
        assert {s: v["status"] for s, v in done["services"].items()} == {
            "survey-svc": "completed", "ingest-svc": "completed", "analysis-svc": "completed"}

        assert admin_get(totals, directorate=directorate, group_by="service") == before
    finally:
        suite.close()

    traces = person.traces() + ["Dave Smith"]
    for name, url in {**suite.urls, "vault": privacy_settings["privacy_vault_url"]}.items():
        rows = every_row(url)
        for trace in traces:
            assert trace not in rows, f"{trace[:14]}... is still in {name}'s database"
        if url.startswith("sqlite"):
            raw = sqlite_files(url)
            for trace in traces:
                assert trace.encode() not in raw, f"{trace[:14]}... lingers in {name}'s file"
    spooled = b"".join(p.read_bytes() for p in suite.spool.rglob("*") if p.is_file())
    on_log = everything_on(broker.bootstrap)
    logged = service_logs.getvalue()
    for trace in traces:
        assert trace.encode() not in spooled, f"{trace[:14]}... is in the spool"
        assert not any(trace.encode() in value for value in on_log), f"{trace[:14]}... on a topic"
        assert trace not in logged, f"{trace[:14]}... reached the logs"
    from chassis.privacy.vault import KeyVault
    vault = KeyVault.from_url(privacy_settings["privacy_vault_url"],
                              privacy_settings["privacy_master_key"])
    try:
        theirs = [t.decode() for v in on_log if invitation.encode() in v
                  for t in SEALED.findall(v)]
        assert theirs and vault.open_many(theirs) == [None] * len(theirs)
    finally:
        vault.close()

    # Rebuild from the log into a fresh database gives the same figures.
    rebuilt = database_url("rebuilt")
    result = subprocess.run(
        [sys.executable, "-m", "analysis_svc.entrypoints.cli", "rebuild"], capture_output=True,
        text=True, timeout=600, env=dict(
            os.environ, ANALYSIS_DATABASE_URL=rebuilt, ANALYSIS_MODEL_DIR="",
            KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap,
            PRIVACY_VAULT_URL=privacy_settings["privacy_vault_url"],
            PRIVACY_MASTER_KEY=privacy_settings["privacy_master_key"]))
    assert result.returncode == 0, result.stderr
    from analysis_svc.app import create_app
    from analysis_svc.bootstrap import build
    from analysis_svc.config import Settings
    bus = build(Settings(database_url=rebuilt, admin_token=ADMIN, model_dir="", min_cell_size=1,
                         **privacy_settings))
    try:
        again = create_app(bus).test_client().get(
            "/v1/totals", query_string={"directorate": directorate, "group_by": "service"},
            headers={"Authorization": f"Bearer {ADMIN}"})
        assert again.status_code == 200 and again.json == before
    finally:
        bus.close()


def _known_to_ingest(suite, invitation_id: str) -> bool:
    with suite.ingest.uow_factory() as uow:
        return uow.invitations.get(invitation_id) is not None


def _answered(suite, invitation_id: str, version: int) -> bool:
    from analysis_svc.adapters import orm
    with suite.analysis.engine.connect() as db:
        return db.execute(select(orm.responses.c.version).where(
            orm.responses.c.invitation_id == invitation_id)).scalar() == version


def _completed(suite, location: str):
    shown = suite.client.get(location, headers={"Authorization": f"Bearer {ADMIN}"}).json
    return shown if shown["status"] == "completed" else None
