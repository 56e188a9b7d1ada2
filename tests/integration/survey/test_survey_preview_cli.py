"""`survey-svc preview`: the email and the survey page for a language and sample ticket, and a
test send through real SMTP that stores no invitation and publishes nothing."""
import json
import threading
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from werkzeug.serving import make_server

from chassis.branding import load_branding
from chassis.outbox import TABLE as OUTBOX
from devkit.testing import free_port
from survey_svc import bootstrap
from survey_svc.adapters.email import EmailRenderer
from survey_svc.adapters.orm import invitations, metadata
from survey_svc.entrypoints.preview_cli import preview_command

from tests.integration.survey.test_survey_email_branding import BRANDING


@pytest.fixture
def ingest_page_server(survey_keys, kafka_bootstrap, tmp_path):
    """ingest-svc serving the survey pages on a free port (what PUBLIC_SURVEY_URL names)."""
    from ingest_svc.app import create_app
    from ingest_svc.bootstrap import build
    from ingest_svc.config import Settings
    bus = build(Settings(survey_verify_key=survey_keys[1], secret_key=uuid.uuid4().hex,
                         reply_tag_key="unused", database_url=f"sqlite:///{tmp_path / 'in.db'}",
                         kafka_bootstrap_servers=kafka_bootstrap, spool_dir=str(tmp_path / "sp")))
    server = make_server("127.0.0.1", free_port(), create_app(bus, branding=BRANDED))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    bus.close()


BRANDED = load_branding({"BRANDING_FILE": str(BRANDING / "branding.toml")})


@pytest.fixture
def run_preview(survey_settings, ingest_page_server, tmp_path):
    settings = survey_settings.__class__(**{**survey_settings.__dict__,
                                            "public_survey_url": ingest_page_server})

    def make_bus():
        renderer = EmailRenderer(public_survey_url=settings.public_survey_url,
                                 signing_key=settings.signing_key, mail_from=settings.mail_from,
                                 reply_domain=settings.reply_domain,
                                 reply_tag_key=settings.reply_tag_key, branding=BRANDED)
        return bootstrap.build(settings, renderer=renderer)

    def run(*args):
        ticket = tmp_path / "sample.json"
        ticket.write_text(json.dumps({"ticket_id": "INC-42", "requester_name": "Sioned",
                                      "service": "Email"}))
        result = CliRunner().invoke(preview_command(make_bus),
                                    ["--ticket", str(ticket), "--out", str(tmp_path / "out"), *args])
        return result, tmp_path / "out"
    return run, settings


def count(settings, table):
    import sqlalchemy as sa
    engine = sa.create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar()
    finally:
        engine.dispose()


def test_preview_renders_the_welsh_email_and_the_welsh_survey_page(run_preview):
    run, _ = run_preview
    result, out = run("--language", "cy")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["page"] is True and summary["subject"].startswith("[TEST] ")
    assert "INC-42" in (out / "subject.txt").read_text()
    assert "Annwyl Sioned" in (out / "email.txt").read_text()
    html = (out / "email.html").read_text()
    assert "Cyngor Bro Enghraifft" in html and "E-bost prawf yw hwn" in html
    page = (out / "page.html").read_text()
    assert '<html lang="cy"' in page and "Gwasanaethau Digidol" in page


def test_test_send_reaches_smtp_marked_and_leaves_no_invitation(run_preview, smtp_server):
    run, settings = run_preview
    result, _ = run("--language", "en", "--send-to", "tester@council.example")
    assert result.exit_code == 0, result.output
    [mail] = smtp_server.wait_for_messages(1)
    assert mail["To"].addresses[0].addr_spec == "tester@council.example"
    assert mail["X-Survey-Test"] == "yes"
    assert mail["Subject"].startswith("[TEST] How did we do with your IT request INC-42")
    assert count(settings, invitations) == 0
    assert count(settings, metadata.tables[OUTBOX]) == 0


def test_an_unknown_language_is_refused_by_name(run_preview):
    run, _ = run_preview
    result, _ = run("--language", "fr")
    assert result.exit_code != 0
    assert "unknown language 'fr' (known: cy, en)" in str(result.exception)
