"""infra/monitoring: promtool accepts the alert rules, their unit tests and the scrape
configuration, and every metric the rules and the Grafana dashboard name is one a service exports
(read from real scrapes)."""
import json
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from chassis.kafka import ConsumerWorker, Record, dead_letter
from chassis.metrics import CountingMailer, register_collector
from chassis.testing import FakeClock, FakePublisher
from chassis.tokens import generate_keypair

MONITORING = Path(__file__).resolve().parents[2] / "infra" / "monitoring"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
# made by Prometheus itself for every scrape target
SYNTHETIC = {"up"}
PROMQL_WORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
                "group_right", "bool", "offset", "inf", "nan"}


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool not found: `make system-deps` installs Debian's prometheus package")
    return found


def test_promtool_checks_the_rules():
    done = subprocess.run([promtool(), "check", "rules", "rules.yml"], cwd=MONITORING,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_checks_the_scrape_configuration():
    done = subprocess.run([promtool(), "check", "config", "prometheus.yml"], cwd=MONITORING,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_promtool_rule_unit_tests_pass():
    done = subprocess.run([promtool(), "test", "rules", "rules_test.yml"], cwd=MONITORING,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (labels, functions, keywords left out)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)                      # strings
    expr = re.sub(r"\{[^}]*\}", "", expr)                               # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)                              # ranges
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        rest = expr[match.end():].lstrip()
        if rest.startswith("(") or match.group() in PROMQL_WORDS or match.group().startswith("$"):
            continue
        if expr[match.start() - 1:match.start()] == "$":  # $__rate_interval and the like
            continue
        names.add(match.group())
    return names


def test_metric_names_are_read_from_promql():
    assert metric_names('histogram_quantile(0.95, sum by (service, le) (rate('
                        'http_request_duration_seconds_bucket{status=~"5.."}[$__rate_interval])))'
                        ) == {"http_request_duration_seconds_bucket"}
    assert metric_names("a_total / on (x) group_left b > 0 unless c") == {"a_total", "b", "c"}


def rule_exprs() -> list[str]:
    rules = yaml.safe_load((MONITORING / "rules.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def exported(text: str) -> set[str]:
    """Sample names a scrape offers, a declared family without samples yet included."""
    names = set()
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"),
                "gauge": ("",), "unknown": ("",)}
    for family in text_string_to_metric_families(text):
        names |= {s.name for s in family.samples}
        names |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
    return names


class FakeMailer:
    def send(self, message):
        return None

    def close(self):
        return None


def web_scrapes(tmp_path) -> str:
    """Each service's app after one request, scraped through its own /metrics."""
    from analysis_svc.app import create_app as analysis_app
    from analysis_svc.bootstrap import build as analysis_build
    from analysis_svc.config import Settings as AnalysisSettings
    from analysis_svc.testing import FakeAnalyser
    from ingest_svc.app import create_app as ingest_app
    from ingest_svc.bootstrap import build as ingest_build
    from ingest_svc.config import Settings as IngestSettings
    from survey_svc.app import create_app as survey_app
    from survey_svc.bootstrap import build as survey_build
    from survey_svc.config import Settings as SurveySettings

    buses = [
        (survey_app, survey_build(SurveySettings(
            webhook_secret="w", admin_token="a", reply_tag_key="r", signing_key=generate_keypair()[0],
            database_url=f"sqlite:///{tmp_path / 'survey.db'}"), publisher=FakePublisher(),
            clock=FakeClock(NOW), mailers=(FakeMailer(),))),
        (ingest_app, ingest_build(IngestSettings(
            survey_verify_key="unused", secret_key="unused", reply_tag_key="unused",
            database_url=f"sqlite:///{tmp_path / 'ingest.db'}", spool_dir=str(tmp_path / "spool")),
            publisher=FakePublisher(), clock=FakeClock(NOW))),
        (analysis_app, analysis_build(AnalysisSettings(
            database_url=f"sqlite:///{tmp_path / 'analysis.db'}"), publisher=FakePublisher(),
            clock=FakeClock(NOW), analyser=FakeAnalyser()))]
    texts = []
    for create_app, bus in buses:
        client = create_app(bus).test_client()
        assert client.get("/healthz").status_code == 200
        client.get("/no-such-page")
        texts.append(client.get("/metrics").get_data(as_text=True))
    return "\n".join(texts), [bus for _, bus in buses]


def worker_scrape(buses) -> str:
    """The workers' registries: their collectors registered, their hot paths taken once."""
    from analysis_svc.entrypoints import worker as analysis_worker
    from ingest_svc.adapters.smtp_listener import reply_counters
    from ingest_svc.entrypoints import worker as ingest_worker
    from survey_svc.entrypoints import worker as survey_worker
    from survey_svc.service_layer.dispatch import Round

    survey, ingest, analysis = buses
    for module, bus in ((survey_worker, survey), (ingest_worker, ingest), (analysis_worker, analysis)):
        for key, collector in module.worker_collectors(bus).items():
            register_collector(key, collector)
    ConsumerWorker("127.0.0.1:1", "names", ["t"], lambda records: None, client_id="names").close()
    dead_letter(FakePublisher(), Record("t", 0, 0, None, b"x"), "not JSON: x", {}, "names")
    survey_worker._count_mail(Round(sent=1))
    CountingMailer(FakeMailer(), "names", "alert").send("m")
    reply_counters()  # ingest-svc smtp's, as `run_smtp` makes them
    return generate_latest(REGISTRY).decode()


def test_every_metric_the_rules_and_dashboard_name_is_exported(tmp_path):
    web, buses = web_scrapes(tmp_path)
    try:
        names = exported(web) | exported(worker_scrape(buses)) | SYNTHETIC
    finally:
        for bus in buses:
            bus.close()
    wanted = set().union(*(metric_names(e) for e in rule_exprs() + dashboard_exprs()))
    assert wanted - names == set()
    assert {"kafka_consumer_lag", "outbox_oldest_pending_age_seconds", "spool_pending_messages",
            "dlq_messages_total", "mail_messages_total", "analysis_alerts_raised_total",
            "http_request_duration_seconds_bucket", "smtp_replies_received_total",
            "smtp_replies_rejected_total"} <= wanted
