"""The board report on a schedule, against a real SMTP server and real Chromium: the PDF to the
recipients and each partner's summary of their directorates, once per moment across restarts;
no Chromium fails the run clearly; the CLI's `reports schedule run --now`."""
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from chassis.kafka import KafkaPublisher
from chassis.testing import FakeClock

from analysis_svc.adapters.report_runs import ReportRuns
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import IssueToken, SendScheduledReport
from analysis_svc.entrypoints.report_schedule import run_due
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.reports.schedule import ScheduledReportFailed
from analysis_svc.testing import record, response

pytestmark = pytest.mark.integration
SCHEDULE = "monthly on the 2nd at 08:00 Europe/London"
JUST_AFTER = datetime(2026, 12, 2, 8, 5, tzinfo=timezone.utc)  # GMT in December
needs_chromium = pytest.mark.skipif(
    not (os.environ.get("CHROMIUM_PATH") or any(os.access(os.path.join(p, "chromium"), os.X_OK)
                                                 for p in os.environ.get("PATH", "").split(":"))),
    reason="Chromium is not installed")


@pytest.fixture
def scheduled(db_url, kafka_bootstrap, smtp_server):
    made = []

    def make(clock, **overrides):
        settings = Settings(database_url=db_url, kafka_bootstrap_servers=kafka_bootstrap,
                            admin_token="admin-secret", model_dir="", report_schedule=SCHEDULE,
                            report_recipients=("board@council.example", "clerk@council.example"),
                            smtp_host=smtp_server.host, smtp_port=smtp_server.port,
                            public_url="https://dash.example", **overrides)
        services = build(settings, publisher=KafkaPublisher(kafka_bootstrap, "analysis-test"),
                         clock=clock)
        made.append(services)
        return services

    yield make
    for services in made:
        services.close()


def _november(services, unique):
    services.handle(IssueToken(("Adults",), "BP", "bp.adults@council.example", token=f"a-{unique}"))
    handle_records(services, [record(response(f"r{i}-{unique}", score=5 if i % 3 else 2,
                                              directorate=d)) for i in range(6)
                              for d in ("Adults", "Children")])


@needs_chromium
def test_the_due_moment_emails_the_pdf_and_partner_summaries_once_across_restarts(
        scheduled, smtp_server, unique):
    services = scheduled(FakeClock(JUST_AFTER))
    _november(services, unique)
    sent = run_due(services)
    assert (str(sent.period.start), str(sent.period.end)) == ("2026-11-01", "2026-11-30")
    messages = smtp_server.wait_for_messages(3)
    reports = {m["To"]: m for m in messages if "board report" in m["Subject"]}
    assert set(reports) == {"board@council.example", "clerk@council.example"}
    [pdf] = list(reports["board@council.example"].iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content().startswith(b"%PDF") and pdf.get_filename().endswith(".pdf")
    [summary] = [m for m in messages if m["To"] == "bp.adults@council.example"]
    body = summary.get_content()
    assert "Adults: CSAT" in body and "Children" not in body  # only their own directorates
    restarted = scheduled(FakeClock(JUST_AFTER))  # a new process, the same moment
    assert run_due(restarted) is None
    assert len(smtp_server.messages) == 3
    [run] = ReportRuns(restarted.sessions).listing()
    assert run["status"] == "sent" and run["trigger"] == "schedule"


def test_a_moment_long_past_is_skipped_not_sent_late(scheduled, smtp_server):
    services = scheduled(FakeClock(datetime(2026, 12, 3, 9, tzinfo=timezone.utc)))
    assert run_due(services) is None
    assert ReportRuns(services.sessions).listing() == [] and smtp_server.messages == []


def test_without_chromium_the_run_fails_clearly_and_sends_nothing(scheduled, smtp_server, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    services = scheduled(FakeClock(JUST_AFTER), chromium_path=None)
    with pytest.raises(ScheduledReportFailed, match="Chromium is not installed"):
        services.handle(SendScheduledReport())
    [run] = ReportRuns(services.sessions).listing()
    assert run["status"] == "failed" and "Chromium is not installed" in run["detail"]
    assert smtp_server.messages == []
    assert run_due(services) is None  # the failed moment is not retried behind the operator's back


CLI = [sys.executable, "-m", "analysis_svc.entrypoints.cli"]


def _cli(args, db_url, **env):
    environ = dict(os.environ, ANALYSIS_DATABASE_URL=db_url, ANALYSIS_MODEL_DIR="", **env)
    return subprocess.run(CLI + args, capture_output=True, text=True, env=environ, timeout=300)


@needs_chromium
def test_the_cli_sends_it_now(db_url, smtp_server):
    done = _cli(["reports", "schedule", "run", "--now"], db_url, SMTP_HOST=smtp_server.host,
                SMTP_PORT=str(smtp_server.port), REPORT_RECIPIENTS="board@council.example")
    assert done.returncode == 0, done.stderr
    assert "sent the board report" in done.stdout
    [message] = smtp_server.wait_for_messages(1)
    assert message["To"] == "board@council.example"


def test_the_cli_refuses_an_invalid_schedule_naming_it(db_url):
    done = _cli(["reports", "schedule", "run"], db_url, REPORT_SCHEDULE="monthly on the 2nd at 25:00")
    assert done.returncode != 0
    assert "REPORT_SCHEDULE" in done.stderr and "hour '25'" in done.stderr
