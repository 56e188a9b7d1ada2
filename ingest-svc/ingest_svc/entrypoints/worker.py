"""The background worker: learns invitations from surveys.lifecycle, erases on request
(privacy.requests), replays the spool, and confirms provisional ratings whose person never
pressed Send."""
import json
import logging
import threading
from datetime import datetime

from chassis import metrics
from chassis.kafka import ConsumerWorker, Record, dead_letter
from chassis.privacy.retention_runs import apply_daily
from contracts import decode
from contracts.errors import InvalidEvent
from contracts.topics import PRIVACY_REQUESTS, SURVEYS_LIFECYCLE

from ingest_svc.domain import commands
from ingest_svc.domain.model import Cohort, Invitation

log = logging.getLogger(__name__)


def invitation_of(data: dict) -> Invitation:
    return Invitation(data["invitation_id"], Cohort(data["directorate"], data.get("service"),
                                                    data.get("category"), data.get("team"),
                                                    data.get("organisation")),
                      data.get("ticket_id"), data.get("channel"), data.get("language") or "en",
                      data.get("expires_at"), data.get("requester_email_hash"),
                      question_set=data.get("question_set"))


def handle_message(record: Record, bus) -> None:
    """One lifecycle message: remember created invitations; dead-letter what is invalid."""
    try:
        envelope = decode(record.value)
    except InvalidEvent as err:
        dead_letter(bus.publisher, record, str(err), err.messages, "ingest-svc")
        return
    if envelope.event_type == "invitation.created":
        bus.handle(commands.RecordInvitation(invitation_of(envelope.data)))
    elif envelope.event_type == "invitation.cancelled":
        bus.handle(commands.CloseInvitation(invitation_of(envelope.data), "cancelled"))
    elif envelope.event_type == "erasure.requested":
        data = envelope.data
        bus.handle(commands.EraseSubjects(data["request_id"], tuple(data["subjects"]),
                                          tuple(data["invitation_ids"])))


def spool_backlog(spool):
    """The spool for chassis.metrics.Backlog: messages waiting, and when the oldest happened
    (the spool keeps no time of its own; the envelope's occurred_at is when it was spooled, near
    enough)."""
    def read() -> tuple[int, datetime | None]:
        oldest = spool.peek(1)
        if not oldest:
            return 0, None
        return spool.count(), datetime.fromisoformat(json.loads(oldest[0][3])["occurred_at"])
    return read


def worker_collectors(bus) -> dict:
    return {"ingest-backlog": metrics.Backlog({("spool", "ingest"): spool_backlog(bus.spool)})}


def run_worker(bus) -> None:
    """Until bus.stop is set: replay the spool, sweep provisional ratings, apply retention daily,
    consume the lifecycle; /metrics on METRICS_PORT when set."""
    server = metrics.start_worker_metrics(worker_collectors(bus))
    bus.flusher.start()
    threading.Thread(target=sweep_provisional, args=(bus,), daemon=True).start()
    threading.Thread(target=apply_daily, name="retention", daemon=True, args=(
        bus, lambda: commands.ApplyRetention(trigger="worker"), bus.stop)).start()
    worker = ConsumerWorker(bus.settings.kafka_bootstrap_servers, bus.settings.consumer_group,
                            [SURVEYS_LIFECYCLE, PRIVACY_REQUESTS],
                            lambda batch: [handle_message(r, bus) for r in batch],
                            client_id="ingest-svc-worker")
    try:
        worker.run(bus.stop)
    finally:
        if server is not None:
            server.close()


def sweep_provisional(bus, interval_s: float = 60.0) -> None:
    confirm = commands.ConfirmStaleProvisionalRatings(bus.settings.provisional_grace_s)
    while not bus.stop.wait(interval_s):
        try:
            bus.handle(confirm)
        except Exception:  # keep sweeping; the next round retries
            log.exception("provisional sweep failed")
