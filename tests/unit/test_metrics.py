"""chassis.metrics: scrape-time backlog and count collectors, counted mail and dead letters, the
worker's own /metrics server."""
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from prometheus_client import CollectorRegistry, generate_latest

from chassis import metrics
from chassis.db import UtcDateTime, make_engine, session_factory
from chassis.kafka import Record, dead_letter
from chassis.mail import PermanentMailError, TransientMailError
from chassis.testing import FakePublisher

NOW = datetime.now(timezone.utc)


@pytest.fixture
def outbox(tmp_path):
    meta = sa.MetaData()
    table = sa.Table("box", meta, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("kind", sa.String(10)), sa.Column("created_at", UtcDateTime()),
                     sa.Column("sent_at", UtcDateTime()))
    engine = make_engine(f"sqlite:///{tmp_path / 'box.db'}")
    meta.create_all(engine)
    now = datetime.now(timezone.utc)  # the backlog's age is counted from the wall clock
    with engine.begin() as conn:
        conn.execute(table.insert(), [
            {"kind": "detractor", "created_at": now - timedelta(minutes=10), "sent_at": now},
            {"kind": "detractor", "created_at": now - timedelta(minutes=5), "sent_at": None},
            {"kind": "volume", "created_at": now - timedelta(minutes=1), "sent_at": None}])
    yield table, session_factory(engine)
    engine.dispose()


def scrape(collector) -> str:
    registry = CollectorRegistry()
    registry.register(collector)
    return generate_latest(registry).decode()


def sample(text: str, prefix: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(prefix)]
    return float(line.rsplit(" ", 1)[1])


def test_backlog_reports_depth_and_the_oldest_pending_age(outbox):
    table, sessions = outbox
    pending = metrics.table_backlog(sessions, table.c.created_at, table.c.sent_at.is_(None))
    text = scrape(metrics.Backlog({("outbox", "box"): pending, ("spool", "ingest"): lambda: (0, None)}))
    assert sample(text, 'outbox_pending_messages{outbox="box"}') == 2
    assert 299 <= sample(text, 'outbox_oldest_pending_age_seconds{outbox="box"}') < 330
    assert sample(text, 'spool_pending_messages{spool="ingest"}') == 0
    assert sample(text, 'spool_oldest_pending_age_seconds{spool="ingest"}') == 0


def test_a_failing_backlog_source_is_left_out_not_raised():
    def broken():
        raise sa.exc.OperationalError("select", {}, Exception("database away"))
    text = scrape(metrics.Backlog({("outbox", "gone"): broken, ("outbox", "ok"): lambda: (3, NOW)}))
    assert 'outbox="gone"' not in text
    assert sample(text, 'outbox_pending_messages{outbox="ok"}') == 3


def test_group_count_is_a_counter_by_the_column(outbox):
    table, sessions = outbox
    text = scrape(metrics.GroupCount("test_alerts_raised", "Alerts", sessions, table.c.kind))
    assert sample(text, 'test_alerts_raised_total{kind="detractor"}') == 2
    assert sample(text, 'test_alerts_raised_total{kind="volume"}') == 1


@pytest.mark.parametrize("reason, label", [
    ("not JSON: Expecting value: line 1", "not_json"),
    ("unknown event type 'ticket.x'", "unknown_event_type"),
    ("invalid ticket.resolved", "invalid_ticket_resolved"),
    ("could not be processed: OperationalError", "could_not_be_processed"),
    ("::", "unknown")])
def test_a_reason_becomes_a_bounded_label(reason, label):
    assert metrics.reason_label(reason) == label


def counted(name: str, **labels) -> float:
    from prometheus_client import REGISTRY
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_dead_letter_counts_by_producer_topic_and_reason():
    record = Record("tickets.resolved", 0, 7, "k", b"{oops", 0)
    before = counted("dlq_messages_total", producer="unit", topic="tickets.resolved", reason="not_json")
    dead_letter(FakePublisher(), record, "not JSON: Expecting value", {}, "unit")
    assert counted("dlq_messages_total", producer="unit", topic="tickets.resolved",
                   reason="not_json") == before + 1


class ScriptedMailer:
    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)

    def send(self, message):
        outcome = self.outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return "ok"


def test_counting_mailer_tells_sent_deferred_and_bounced_apart():
    mailer = metrics.CountingMailer(ScriptedMailer(None, TransientMailError("busy"),
                                                   PermanentMailError("no such user")), "unit", "alert")
    assert mailer.send("m1") == "ok"
    with pytest.raises(TransientMailError):
        mailer.send("m2")
    with pytest.raises(PermanentMailError):
        mailer.send("m3")
    assert [counted("mail_messages_total", service="unit", kind="alert", outcome=o)
            for o in ("sent", "deferred", "bounced")] == [1, 1, 1]


def test_metrics_settings_are_off_unless_metrics_port_is_set():
    assert metrics.MetricsSettings.from_env({}).port is None
    assert metrics.MetricsSettings.from_env({"METRICS_PORT": "9464"}).port == 9464


def test_a_worker_serves_its_registered_collectors_on_its_port():
    server = metrics.start_worker_metrics(
        {"unit-backlog": metrics.Backlog({("outbox", "unit_box"): lambda: (4, NOW)})},
        metrics.MetricsSettings(port=0, host="127.0.0.1"))
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=10) as reply:
            text = reply.read().decode()
        assert sample(text, 'outbox_pending_messages{outbox="unit_box"}') == 4
    finally:
        server.close()
        metrics.register_collector("unit-backlog", metrics.Backlog({}))  # nothing left to read


def test_the_ingest_spool_backlog_is_its_depth_and_the_oldest_events_time(tmp_path):
    from contracts.envelope import encode, make_envelope
    from ingest_svc.adapters.spool import Spool
    from ingest_svc.entrypoints.worker import spool_backlog

    spool = Spool(tmp_path / "spool")
    assert spool_backlog(spool)() == (0, None)
    events = [make_envelope("invitation.sent", {
        "invitation_id": f"inv{i}", "ticket_id": "T1", "at": "2026-01-05T09:00:00Z",
        "directorate": "Test"}, "unit") for i in range(3)]
    spool.append([(e.topic, e.key, encode(e)) for e in events])
    count, oldest = spool_backlog(spool)()
    assert (count, oldest) == (3, events[0].occurred_at)
