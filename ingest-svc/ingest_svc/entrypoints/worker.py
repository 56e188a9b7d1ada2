"""The background worker: learns invitations from surveys.lifecycle, replays the spool,
and confirms provisional ratings whose person never pressed Send."""
import logging
import threading

from chassis.kafka import ConsumerWorker, Record, dead_letter
from contracts import decode
from contracts.errors import InvalidEvent
from contracts.topics import SURVEYS_LIFECYCLE

from ingest_svc.domain import commands
from ingest_svc.domain.model import Cohort, Invitation

log = logging.getLogger(__name__)


def invitation_of(data: dict) -> Invitation:
    return Invitation(data["invitation_id"], Cohort(data["directorate"], data.get("service"),
                                                    data.get("category"), data.get("team")),
                      data.get("ticket_id"), data.get("channel"), data.get("language") or "en",
                      data.get("expires_at"))


def handle_message(record: Record, bus, publisher) -> None:
    """One lifecycle message: remember created invitations; dead-letter what is invalid."""
    try:
        envelope = decode(record.value)
    except InvalidEvent as err:
        dead_letter(publisher, record, str(err), err.messages, "ingest-svc")
        return
    if envelope.event_type == "invitation.created":
        bus.handle(commands.RecordInvitation(invitation_of(envelope.data)))
    elif envelope.event_type == "invitation.cancelled":
        bus.handle(commands.CloseInvitation(invitation_of(envelope.data), "cancelled"))


def run_worker(settings, services, stop: threading.Event) -> None:
    services.start_flusher()
    threading.Thread(target=sweep_provisional, args=(settings, services, stop), daemon=True).start()
    worker = ConsumerWorker(settings.kafka_bootstrap_servers, settings.consumer_group,
                            [SURVEYS_LIFECYCLE], lambda batch: [
                                handle_message(r, services.bus, services.publisher) for r in batch],
                            client_id="ingest-svc-worker")
    worker.run(stop)


def sweep_provisional(settings, services, stop: threading.Event, interval_s: float = 60.0) -> None:
    while not stop.wait(interval_s):
        try:
            services.bus.handle(commands.ConfirmStaleProvisionalRatings(settings.provisional_grace_s))
        except Exception:  # keep sweeping; the next round retries
            log.exception("provisional sweep failed")
