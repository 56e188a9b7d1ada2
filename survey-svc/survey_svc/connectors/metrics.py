"""/metrics for the connectors, read from the database at scrape time: the worker polls and
writes back, the API process and the worker serve /metrics, and the tables are what both share."""
import logging
import threading
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily

from chassis.metrics import register_collector
from survey_svc.domain.writeback import PENDING

log = logging.getLogger(__name__)


class ConnectorMetrics:
    """A Prometheus collector over one unit-of-work factory (the last app built wins)."""

    def __init__(self):
        self.uow_factory, self.clock = None, None

    def watch(self, uow_factory, clock) -> None:
        self.uow_factory, self.clock = uow_factory, clock

    def describe(self):
        return []  # collected lazily: nothing to check at registration

    def collect(self):
        if self.uow_factory is None:
            return
        try:
            with self.uow_factory() as uow:
                states = uow.checkpoints.all()
                counts = uow.writebacks.counts()
                oldest = uow.writebacks.oldest_pending()
        except Exception as err:  # a scrape reports, never raises
            log.warning("connector metrics unavailable", extra={"error": type(err).__name__})
            return
        now = self.clock.now()
        yield from _poll_families(states, now)
        yield from _writeback_families(counts, oldest, now)


def _gauge(name: str, doc: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=labels)


def _poll_families(states, now: datetime):
    failures = _gauge("survey_connector_poll_failures", "Consecutive failed polls", ["connector"])
    success = _gauge("survey_connector_last_success_timestamp_seconds",
                     "When the connector last polled successfully", ["connector"])
    lag = _gauge("survey_connector_checkpoint_lag_seconds",
                 "How far behind now the connector's checkpoint is", ["connector"])
    pulled = _gauge("survey_connector_pulled", "Records pulled, all polls", ["connector"])
    skipped = _gauge("survey_connector_skipped", "Records the mapping could not use",
                     ["connector"])
    for s in states:
        failures.add_metric([s.connector], s.failures)
        pulled.add_metric([s.connector], s.pulled)
        skipped.add_metric([s.connector], s.skipped)
        if s.last_success_at:
            success.add_metric([s.connector], s.last_success_at.timestamp())
        if s.checkpoint:
            lag.add_metric([s.connector], max(0.0, (now - s.checkpoint).total_seconds()))
    return [failures, success, lag, pulled, skipped]


def _writeback_families(counts: dict, oldest: dict, now: datetime):
    rows = _gauge("survey_itsm_writebacks", "Write-backs to service desk tickets by status",
                  ["connector", "status"])
    for (connector, status), n in sorted(counts.items()):
        rows.add_metric([connector, status], n)
    age = _gauge("survey_itsm_writeback_oldest_pending_seconds",
                 "Age of the oldest write-back still owed", ["connector"])
    for connector, created in sorted(oldest.items()):
        age.add_metric([connector], max(0.0, (now - created).total_seconds()))
    return [rows, age]


def writeback_backlog(uow_factory):
    """The write-back outbox for chassis.metrics.Backlog: notes owed, all connectors, and the oldest."""
    def read() -> tuple[int, datetime | None]:
        with uow_factory() as uow:
            counts, oldest = uow.writebacks.counts(), uow.writebacks.oldest_pending()
        pending = sum(n for (_, status), n in counts.items() if status == PENDING)
        return pending, min(oldest.values(), default=None)
    return read


_lock = threading.Lock()
_collector: ConnectorMetrics | None = None


def connector_metrics() -> ConnectorMetrics:
    """The process's one collector, registered (through chassis.metrics) on first use."""
    global _collector
    with _lock:
        if _collector is None:
            _collector = ConnectorMetrics()
            register_collector("survey-connectors", _collector)
        return _collector
