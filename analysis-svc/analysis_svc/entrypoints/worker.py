"""The consumer loop: polled records become a ConsumeBatch command on the bus; restarts after a crash."""
import gc
import logging
import os
import signal
import subprocess
import threading

from chassis import metrics
from chassis.privacy.retention_runs import apply_daily

from analysis_svc.adapters.mail_outbox import alert_mail_outbox
from analysis_svc.adapters.orm import raised_alerts
from analysis_svc.adapters.topics import TOPICS
from analysis_svc.adapters.webhook_outbox import alert_webhook_outbox
from analysis_svc.domain.commands import ApplyRetention, ConsumeBatch
from analysis_svc.entrypoints import erasure_worker as erasures
from analysis_svc.entrypoints import report_schedule

__all__ = ["TOPICS", "ConsumerDied", "consume", "handle_records", "make_worker", "run",
           "watch_process", "watch_stall"]
log = logging.getLogger(__name__)
# A batch allocates ~100 objects per message; with the default gen-0 threshold (700) the
# collector runs every few messages and its older generations keep re-scanning the loaded
# models (nltk, scikit-learn): ~45 us of the ~290 us of CPU per response. Frozen start-up
# objects and a larger gen-0 threshold cut that to ~10 us; nothing here relies on prompt
# collection of cycles.
GC_THRESHOLD = (10_000, 10, 10)


# A consumer that fails this many times in a row without one poll between (a broker it cannot
# join, a handler that cannot start) ends the process, non-zero: its supervisor (compose's
# restart policy, serve's watch) starts it afresh, where a retry in place never gets better.
MAX_FAILURES = 5
# How long a stalled consumer gets to end on SIGTERM before SIGKILL: a hung loop never reads its
# stop event, and a stopped (SIGSTOP) process never runs its handler.
STALL_KILL_GRACE_S = 10.0


class ConsumerDied(RuntimeError):
    """The consumer kept failing; the process ends so that it is restarted."""


def tune_gc() -> None:
    """Freeze what start-up loaded (models, modules) out of the collector's scans."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def handle_records(bus, records) -> int:
    """The per-batch function: how many responses the batch stored."""
    return bus.handle(ConsumeBatch(records))


def load_analyser(bus) -> None:
    """Load the models now (a lazily loaded analyser), not on the first batch."""
    loaded = getattr(bus.analyser, "loaded", None)
    if loaded is not None:
        loaded()


def make_worker(bus, *, group_id: str | None = None):
    """A consumer in the group (ANALYSIS_GROUP_ID unless named) whose batches go to the bus."""
    return bus.subscribe(lambda records: handle_records(bus, records), group_id=group_id)


def worker_collectors(bus) -> dict:
    """What the worker's /metrics reads at scrape time: the alert outboxes and the alerts raised."""
    outboxes = {}
    for table in (alert_mail_outbox, alert_webhook_outbox):
        outboxes["outbox", table.name] = metrics.table_backlog(
            bus.sessions, table.c.created_at, table.c.sent_at.is_(None), table.c.parked_at.is_(None))
    return {"analysis-backlog": metrics.Backlog(outboxes),
            "analysis-alerts": metrics.GroupCount("analysis_alerts_raised", "Alerts raised, by kind",
                                                  bus.sessions, raised_alerts.c.kind)}


def count_alert_mail(bus) -> None:
    """The alert mail relay's sends counted by outcome (sent, deferred, bounced)."""
    relay = bus.mail_relay
    if relay is not None and not isinstance(relay.mailer, metrics.CountingMailer):
        relay.mailer = metrics.CountingMailer(relay.mailer, "analysis-svc", "alert")


def run(bus, stop: threading.Event, *, group_id: str | None = None) -> None:
    """Consume until `stop` is set; a failed consumer (e.g. a lost rebalance) is rebuilt, and
    MAX_FAILURES in a row without a poll raise ConsumerDied (the process ends, non-zero).
    Erasure requests have a consumer thread of their own; with alert emails on, a relay thread
    sends the emails the batches staged; another applies the retention periods once a day.
    /metrics on METRICS_PORT when set."""
    server = metrics.start_worker_metrics(worker_collectors(bus))
    count_alert_mail(bus)
    load_analyser(bus)  # before the freeze
    tune_gc()
    threading.Thread(target=erasures.run, args=(bus, stop), kwargs={"group_id": group_id},
                     name="erasure-consumer", daemon=True).start()
    if bus.mail_relay is not None:
        threading.Thread(target=bus.mail_relay.relay_forever, args=(stop,),
                         name="alert-mail-relay", daemon=True).start()
    if getattr(bus, "webhook_relay", None) is not None:  # Teams/Slack routes configured
        threading.Thread(target=bus.webhook_relay.relay_forever, args=(stop,),
                         name="alert-webhook-relay", daemon=True).start()
    if bus.settings.report_schedule:
        threading.Thread(target=report_schedule.run_forever, args=(bus, stop),
                         name="report-schedule", daemon=True).start()
    threading.Thread(target=apply_daily, name="retention", daemon=True, args=(
        bus, lambda: ApplyRetention(trigger="worker"), stop)).start()
    try:
        _consume_until(stop, bus, group_id)
    finally:
        if server is not None:
            server.close()


def _consume_until(stop: threading.Event, bus, group_id: str | None) -> None:
    failures = 0
    while not stop.is_set():
        polled = threading.Event()

        def beat() -> None:
            bus.heartbeat.beat()
            polled.set()
        try:
            consume(make_worker(bus, group_id=group_id), stop, beat)
        except Exception as err:
            # Offsets were not committed for the failed batch; the next consumer re-reads it.
            failures = 1 if polled.is_set() else failures + 1
            if failures >= MAX_FAILURES:
                log.critical("consumer failed %d times in a row; ending the process", failures)
                raise ConsumerDied(f"{failures} consumers failed in a row") from err
            log.exception("consumer stopped; restarting")
            stop.wait(2.0)


def watch_process(child, stopping: threading.Event) -> threading.Event:
    """`serve`'s watch over its consumer process: when the child ends while serve is not
    stopping, serve is asked to stop (SIGTERM to itself) and the returned event is set, so serve
    exits non-zero and the container's `restart:` policy brings both back (a /readyz failing
    alone restarts nothing under docker compose)."""
    died = threading.Event()

    def wait() -> None:
        code = child.wait()
        if stopping.is_set():
            return
        log.error("consumer process ended; stopping the service so it is restarted",
                  extra={"exit_code": code})
        died.set()
        os.kill(os.getpid(), signal.SIGTERM)
    threading.Thread(target=wait, name="consumer-watch", daemon=True).start()
    return died


def watch_stall(child, stopping: threading.Event, heartbeat, limit_s: float) -> None:
    """`serve`'s watchdog over a consumer that hangs without raising: when its last heartbeat (or
    its start, before the first) is older than limit_s, the child is terminated (killed if it does
    not end) and watch_process's path follows: serve stops and exits 1. limit_s <= 0: no watch."""
    if limit_s <= 0:
        return
    started = heartbeat.clock.now().timestamp()
    every = min(5.0, limit_s / 4)

    def watch() -> None:
        while not stopping.wait(every) and child.poll() is None:
            # a stamp left by an earlier run counts from this child's start
            age = heartbeat.clock.now().timestamp() - max(heartbeat.last() or started, started)
            if age <= limit_s:
                continue
            log.error("consumer stalled; ending it so the service is restarted",
                      extra={"stalled_s": round(age), "limit_s": limit_s,
                             "consumer_pid": child.pid})
            child.terminate()
            try:
                child.wait(timeout=STALL_KILL_GRACE_S)
            except subprocess.TimeoutExpired:
                child.kill()
            return
    threading.Thread(target=watch, name="consumer-stall-watch", daemon=True).start()


def consume(consumer, stop: threading.Event, beat) -> None:
    """The consumer's run loop with a heartbeat after every poll (/readyz reads it)."""
    consumer.subscribe()
    try:
        while not stop.is_set():
            consumer.poll_once(stop)
            beat()
    finally:
        consumer.close()
