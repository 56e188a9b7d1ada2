"""Prometheus metrics for every process: granian's workers share one multiprocess directory, a
background worker serves its own registry on METRICS_PORT, and figures kept in a database or a
spool are read at scrape time by collectors the services register here."""
import logging
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Callable

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess, start_http_server, values
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from chassis.settings import as_int, env, from_env

log = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BATCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

# --- granian's workers: one directory of per-process files, summed at scrape time -------------


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def prepare_multiprocess_dir() -> tuple[str, bool]:
    """In the serving master, before workers fork: PROMETHEUS_MULTIPROC_DIR created and emptied
    (a private temporary one when unset); returns it and whether it is ours to remove."""
    path, ours = multiprocess_dir(), False
    if path is None:
        path, ours = tempfile.mkdtemp(prefix="prometheus-"), True
        os.environ[MULTIPROC_ENV] = path
    Path(path).mkdir(parents=True, exist_ok=True)
    for stale in Path(path).glob("*.db"):  # counts of a previous run would add to this one's
        stale.unlink(missing_ok=True)
    # prometheus_client picks file-backed values at import, which the app's modules did before
    # the variable was set; no metric exists yet (each worker makes them), so switching is enough.
    if values.ValueClass is values.MutexValue:
        values.ValueClass = values.MultiProcessValue()
    return path, ours


def remove_multiprocess_dir(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)


def mark_dead_workers() -> None:
    """In a worker starting up: the live gauges of workers that died go (their counters stay)."""
    path = multiprocess_dir()
    if path is None:
        return
    for file in Path(path).glob("gauge_live*_*.db"):
        pid = int(file.stem.rsplit("_", 1)[1])
        if not _alive(pid):
            multiprocess.mark_process_dead(pid, path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leave_multiprocess_mode() -> None:
    """In a background worker started with the web's PROMETHEUS_MULTIPROC_DIR (analysis-svc's
    serve starts its consumer so): keep this process's figures to itself, before any metric exists."""
    if os.environ.pop(MULTIPROC_ENV, None) is not None:
        values.ValueClass = values.MutexValue


def latest() -> bytes:
    """The exposition of this process, or of every granian worker summed in multiprocess mode."""
    if multiprocess_dir() is None:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    for collector in list(_scraped.values()):
        registry.register(collector)
    return generate_latest(registry)


# --- collectors read at scrape time ------------------------------------------------------------

_scraped: dict[str, object] = {}
_scraped_lock = threading.Lock()


def register_collector(key: str, collector) -> None:
    """Register `collector` under `key`, replacing the one registered before (the last bus built wins)."""
    with _scraped_lock:
        old = _scraped.pop(key, None)
        if old is not None:
            REGISTRY.unregister(old)
        REGISTRY.register(collector)
        _scraped[key] = collector


Source = Callable[[], tuple[int, datetime | None]]


class Backlog:
    """Depth and age of the oldest of what waits to be sent: outboxes and spools, by name."""

    KINDS = ("outbox", "spool")

    def __init__(self, sources: dict[tuple[str, str], Source], clock=None):
        self.sources, self.clock = sources, clock

    def describe(self):
        return []  # read lazily: nothing to check at registration

    def collect(self):
        now = self.clock.now() if self.clock else datetime.now(timezone.utc)
        families = {kind: (GaugeMetricFamily(f"{kind}_pending_messages",
                                             f"Messages waiting in the {kind}", labels=[kind]),
                           GaugeMetricFamily(f"{kind}_oldest_pending_age_seconds",
                                             f"Age of the oldest message waiting in the {kind}",
                                             labels=[kind])) for kind in self.KINDS}
        for (kind, name), source in self.sources.items():
            try:
                count, oldest = source()
            except Exception as err:  # a scrape reports, never raises
                log.warning("backlog unavailable", extra={"backlog": name, "error": type(err).__name__})
                continue
            depth, age = families[kind]
            depth.add_metric([name], count)
            oldest = _utc(oldest)
            age.add_metric([name], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        for depth, age in families.values():
            yield depth
            yield age


def table_backlog(sessions, created, *pending) -> Source:
    """Count and oldest `created` of the rows matching `pending`, in one query."""
    import sqlalchemy as sa

    def read():
        with sessions() as session:
            count, oldest = session.execute(
                sa.select(sa.func.count(), sa.func.min(created)).where(*pending)).one()
        return count, _utc(oldest)
    return read


def _utc(value: datetime | str | None) -> datetime | None:
    if isinstance(value, str):  # SQLite hands an aggregate's timestamp back as text
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


class GroupCount:
    """A counter read from a table at scrape time: rows by one column (e.g. alerts by kind)."""

    def __init__(self, name: str, documentation: str, sessions, column):
        self.name, self.documentation, self.sessions, self.column = name, documentation, sessions, column

    def describe(self):
        return []

    def collect(self):
        import sqlalchemy as sa
        try:
            with self.sessions() as session:
                rows = session.execute(sa.select(self.column, sa.func.count())
                                       .group_by(self.column)).all()
        except Exception as err:  # a scrape reports, never raises
            log.warning("count unavailable", extra={"metric": self.name, "error": type(err).__name__})
            return
        family = CounterMetricFamily(self.name, self.documentation, labels=[self.column.name])
        for value, count in sorted(rows, key=lambda row: str(row[0])):
            family.add_metric([str(value)], count)
        yield family


# --- figures counted where they happen (made on first use, so after the mode is chosen) --------


@cache
def http_metrics():
    return (Counter("http_requests_total", "HTTP requests",
                    ["service", "method", "endpoint", "status"]),
            Histogram("http_request_duration_seconds", "HTTP request latency",
                      ["service", "method", "endpoint"]),
            Gauge("http_requests_in_progress", "HTTP requests being served", ["service"],
                  multiprocess_mode="livesum"))


@cache
def consumer_metrics():
    return (Gauge("kafka_consumer_lag", "Records behind the partition's end (high watermark "
                  "minus position)", ["group", "topic", "partition"]),
            Histogram("kafka_consumer_batch_duration_seconds", "Time to handle one polled batch",
                      ["group"], buckets=BATCH_BUCKETS),
            Counter("kafka_consumer_records", "Records handed to the batch handler", ["group", "topic"]),
            Counter("kafka_consumer_batch_failures", "Batches whose handler raised (re-read)", ["group"]))


@cache
def _dlq_counter():
    return Counter("dlq_messages", "Messages sent to the dead-letter topic",
                   ["producer", "topic", "reason"])


def count_dead_letter(producer: str, topic: str, reason: str) -> None:
    _dlq_counter().labels(producer, topic, reason_label(reason)).inc()


def reason_label(reason: str) -> str:
    """A bounded label from a free-text reason: its words before any ':' or quote."""
    head = re.split(r"[:'\"]", reason, maxsplit=1)[0]
    return re.sub(r"[^a-z0-9]+", "_", head.lower()).strip("_")[:40] or "unknown"


@cache
def _mail_counter():
    return Counter("mail_messages", "Mail handed to the SMTP server, by outcome "
                   "(sent, deferred: retried later, bounced: refused for good)",
                   ["service", "kind", "outcome"])


def count_mail(service: str, kind: str, outcome: str, amount: int = 1) -> None:
    if amount:
        _mail_counter().labels(service, kind, outcome).inc(amount)


class CountingMailer:
    """A mailer that counts each send's outcome (chassis.mail's errors tell deferred from bounced)."""

    def __init__(self, mailer, service: str, kind: str):
        self.mailer, self.service, self.kind = mailer, service, kind

    def send(self, message):
        from chassis.mail import PermanentMailError, TransientMailError
        try:
            result = self.mailer.send(message)
        except TransientMailError:
            count_mail(self.service, self.kind, "deferred")
            raise
        except PermanentMailError:
            count_mail(self.service, self.kind, "bounced")
            raise
        count_mail(self.service, self.kind, "sent")
        return result

    def __getattr__(self, name):
        return getattr(self.mailer, name)


# --- a background worker's own /metrics -----------------------------------------------------


@dataclass(frozen=True)
class MetricsSettings:
    """METRICS_PORT: where a background worker serves /metrics (unset: not served)."""
    port: int | None = env("METRICS_PORT", None, as_int)
    host: str = env("METRICS_HOST", "0.0.0.0")

    @classmethod
    def from_env(cls, environ=None) -> "MetricsSettings":
        return from_env(cls, environ)


class MetricsServer:
    def __init__(self, server, thread):
        self.server, self.thread = server, thread
        self.port = server.server_port

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_metrics(port: int, host: str = "0.0.0.0") -> MetricsServer:
    """This process's registry on http://host:port/metrics (port 0: any free port)."""
    return MetricsServer(*start_http_server(port, addr=host, registry=REGISTRY))


def start_worker_metrics(collectors: dict[str, object], settings: MetricsSettings | None = None
                         ) -> MetricsServer | None:
    """In a background worker: its scrape-time collectors registered, and /metrics served on
    METRICS_PORT when that is set."""
    leave_multiprocess_mode()
    for key, collector in collectors.items():
        register_collector(key, collector)
    settings = settings or MetricsSettings.from_env()
    if settings.port is None:
        return None
    server = serve_metrics(settings.port, settings.host)
    log.info("metrics served", extra={"port": server.port})
    return server
