"""The worker's connector threads: one poller and one write-back sender per service desk, so a
slow or failing tool holds up nothing but its own work."""
import logging
import threading

from chassis.privacy.envelopes import open_envelope
from contracts.envelope import Envelope
from contracts.personal import is_sealed
from survey_svc.domain.commands import (CheckFollowUps, DeliverWriteBacks, PollConnector,
                                        QueueWriteBack)
from survey_svc.domain.writeback import Answer

log = logging.getLogger(__name__)
ANSWERS = ("response.submitted", "response.amended")
DELIVERY_INTERVAL_S = 5.0


def write_back_command(envelope: Envelope, vault=None) -> QueueWriteBack | None:
    """An answer version, for the write-back rules; None for other events."""
    if envelope.event_type not in ANSWERS:
        return None
    if vault is not None:
        envelope = open_envelope(envelope, vault)
    data = envelope.data
    comment = data.get("comment")
    answer = Answer(response_id=data["response_id"], version=data["version"],
                    score=data["score"], resolved=data.get("resolved"),
                    comment=None if is_sealed(comment) else comment,
                    submitted_at=data["submitted_at"])
    return QueueWriteBack(data.get("invitation_id"), answer)


def queue_write_back(envelope: Envelope, bus) -> None:
    """Queue the note an answer owes its ticket (nothing without pull connectors)."""
    if getattr(bus, "connectors", None) and (
            command := write_back_command(envelope, getattr(bus, "key_vault", None))):
        bus.handle(command)


def poll_forever(bus, name: str, stop: threading.Event) -> None:
    interval = bus.connectors[name].interval_s
    while not stop.is_set():
        try:
            result = bus.handle(PollConnector(name))
            if result.fetched:
                log.info("connector polled", extra=vars(result))
        except Exception:  # the tool's trouble is recorded on the connector; try next time
            log.exception("connector poll failed", extra={"connector": name})
        try:  # then the team's follow-ups on the tickets we wrote to
            if followed := bus.handle(CheckFollowUps(name)):
                log.info("team follow-ups seen", extra={"connector": name, "tickets": followed})
        except Exception:
            log.exception("follow-up check failed", extra={"connector": name})
        stop.wait(interval)


def deliver_forever(bus, name: str, stop: threading.Event) -> None:
    while not stop.is_set():
        full = False
        try:
            done = bus.handle(DeliverWriteBacks(limit=50, connector=name))
            if done.done or done.failed:
                log.info("write-backs delivered", extra={"connector": name, **vars(done)})
            full = done.done + done.retrying + done.failed >= 50
        except Exception:
            log.exception("write-back round failed", extra={"connector": name})
        if not full:
            stop.wait(DELIVERY_INTERVAL_S)


def connector_threads(bus, stop: threading.Event) -> list[threading.Thread]:
    """Not started: the worker starts and joins them with its own."""
    return [threading.Thread(target=target, args=(bus, name, stop), name=f"{kind}-{name}")
            for name in getattr(bus, "connectors", {})
            for kind, target in (("poll", poll_forever), ("writeback", deliver_forever))]
