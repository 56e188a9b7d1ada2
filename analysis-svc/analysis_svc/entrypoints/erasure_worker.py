"""Erasure requests from privacy.requests, in a consumer group of their own (the feedback
consumer's batches stay as they are); `rebuild` replays them first."""
import logging
import threading

from chassis.kafka import ConsumerWorker
from contracts.envelope import decode
from contracts.errors import InvalidEvent
from contracts.topics import PRIVACY_REQUESTS

from analysis_svc.domain.commands import EraseSubjects

log = logging.getLogger(__name__)


def erase_command(value: bytes, report: bool = True) -> EraseSubjects | None:
    """The command an erasure request asks for; None for anything else on the topic."""
    envelope = decode(value)
    if envelope.event_type != "erasure.requested":
        return None
    data = envelope.data
    return EraseSubjects(data["request_id"], tuple(data["subjects"]),
                         tuple(data["invitation_ids"]), report)


def handle_requests(records, bus, report: bool = True) -> int:
    """The per-batch function: how many erasure requests it handled."""
    handled = 0
    for record in records:
        try:
            command = erase_command(record.value, report)
        except InvalidEvent:  # survey-svc's to dead-letter; nothing here to erase
            log.warning("skipped an invalid event", extra={"topic": record.topic,
                                                           "offset": record.offset})
            continue
        if command is not None:
            bus.handle(command)
            handled += 1
    return handled


def make_worker(bus, group_id: str | None = None) -> ConsumerWorker:
    """A new group starts from the earliest offset: a service that was down acts when back."""
    group = f"{group_id or bus.settings.group_id}-privacy"
    return ConsumerWorker(bus.settings.kafka_bootstrap_servers, group, [PRIVACY_REQUESTS],
                          lambda records: handle_requests(records, bus), client_id="analysis-svc",
                          auto_offset_reset="earliest")


def run(bus, stop: threading.Event, group_id: str | None = None) -> None:
    """Consume erasure requests until `stop`; a failed consumer is rebuilt."""
    while not stop.is_set():
        try:
            make_worker(bus, group_id).run(stop)
        except Exception:
            log.exception("erasure consumer stopped; restarting")
            stop.wait(2.0)


def replay_requests(bus) -> int:
    """Every erasure request on the log, recorded before a rebuild replays what they erased."""
    replay, handled = bus.replay(PRIVACY_REQUESTS), 0
    try:
        for batch in replay.batches():
            handled += handle_requests(batch, bus, report=False)
    finally:
        replay.close()
    return handled
