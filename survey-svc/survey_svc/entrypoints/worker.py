"""Background work: consume tickets and answers, dispatch mail, relay the outbox."""
import logging
import threading

from chassis import metrics
from chassis.kafka import dead_letter
from chassis.privacy.envelopes import open_envelopes
from chassis.privacy.retention_runs import apply_daily
from contracts import topics
from contracts.envelope import Envelope, decode
from contracts.errors import InvalidEvent
from survey_svc.adapters.tickets import ticket_from_data
from survey_svc.connectors.metrics import connector_metrics, writeback_backlog
from survey_svc.domain import commands
from survey_svc.entrypoints.connectors_worker import connector_threads, queue_write_back
from survey_svc.entrypoints.senders import senders_for

log = logging.getLogger(__name__)
GROUP = "survey-svc"


def command_for(envelope: Envelope):
    """The command an event asks for, or None for events survey-svc ignores."""
    data, kind = envelope.data, envelope.event_type
    if kind == "ticket.resolved":
        if data["requester"].get("id") is None:  # sealed, and its person erased since
            return None
        ticket = ticket_from_data(data)
        if data.get("reopened"):
            return commands.ReopenTicket(ticket.ticket_id, ticket.resolution)
        return commands.ResolveTicket(ticket)
    if kind == "ticket.reopened":
        return commands.ReopenTicket(data["ticket_id"], data["resolution"])
    if kind in ("response.submitted", "response.amended"):
        return commands.RecordAnswer(envelope.event_id, data.get("invitation_id"))
    if kind == "optout.requested":
        return commands.OptOutInvitation(envelope.event_id, data["invitation_id"])
    if kind == "erasure.completed":
        return commands.RecordErasureProgress(envelope.event_id, data["request_id"],
                                              data["service"], data["completed_at"],
                                              data.get("counts") or {})
    return None


def handle_message(topic: str, value: bytes, bus, envelope: Envelope | None = None) -> None:
    """One record (`envelope`: already decoded and opened): decided once, however often it is
    delivered."""
    envelope = envelope or _opened([decode(value)], bus)[0]
    command = command_for(envelope)
    if command is not None:
        bus.handle(command)
    queue_write_back(envelope, bus)  # a note owed to the ticket, if a connector pulled it


def _opened(envelopes: list[Envelope], bus) -> list[Envelope]:
    """Tickets with their sealed requester opened, one vault query for all (None where erased)."""
    vault = getattr(bus, "key_vault", None)
    tickets = [i for i, e in enumerate(envelopes) if e.event_type == "ticket.resolved"]
    if vault is None or not tickets:
        return envelopes
    opened = dict(zip(tickets, open_envelopes([envelopes[i] for i in tickets], vault)))
    return [opened.get(i, e) for i, e in enumerate(envelopes)]


def _decoded(records) -> dict[int, Envelope]:
    found = {}
    for i, record in enumerate(records):
        try:
            found[i] = decode(record.value)
        except InvalidEvent:
            pass  # handle_message meets it again and dead-letters it
    return found


def handle_batch(records, bus) -> None:
    decoded = _decoded(records)
    opened = dict(zip(decoded, _opened(list(decoded.values()), bus)))
    for i, record in enumerate(records):
        try:
            handle_message(record.topic, record.value, bus, opened.get(i))
        except InvalidEvent as err:
            if record.topic == topics.TICKETS_RESOLVED:  # ours to reject; others' DLQ is theirs
                dead_letter(bus.publisher, record, str(err), err.messages, GROUP)
            log.warning("skipped an invalid event", extra={"topic": record.topic,
                                                           "offset": record.offset})


def dispatch_forever(bus, stop: threading.Event) -> None:
    """Rounds every SURVEY_DISPATCH_INTERVAL, at once again while a round had a full batch."""
    settings, senders = bus.settings, senders_for(bus)
    try:
        while not stop.is_set():
            full = False
            try:
                done = senders.round(settings.dispatch_batch)
                _count_mail(done)
                handled = done.sent + done.reminded + done.bounced + done.deferred
                if handled or done.expired:
                    log.info("dispatch round", extra=vars(done))
                full = handled >= settings.dispatch_batch and not done.stopped
            except Exception:  # a bad round must not end the dispatcher
                log.exception("dispatch round failed")
            if not full:
                stop.wait(settings.dispatch_interval_s)
    finally:
        senders.close()


def _count_mail(done) -> None:
    for outcome, count in (("sent", done.sent + done.reminded), ("bounced", done.bounced),
                           ("deferred", done.deferred)):
        metrics.count_mail(GROUP, "survey", outcome, count)


def worker_collectors(bus) -> dict:
    """What the worker's /metrics reads at scrape time: its two outboxes (the connectors' own
    collector registers itself)."""
    connector_metrics().watch(bus.uow_factory, bus.clock)
    return {"survey-backlog": metrics.Backlog({
        ("outbox", "event_outbox"): bus.relay.pending,
        ("outbox", "itsm_writebacks"): writeback_backlog(bus.uow_factory)})}


def run(bus, stop: threading.Event, group_id: str = GROUP) -> None:
    """Consumer, dispatcher, outbox relay and the daily retention run until `stop` is set;
    /metrics on METRICS_PORT when set."""
    server = metrics.start_worker_metrics(worker_collectors(bus))
    consumer = bus.consumer_factory(group_id, [topics.TICKETS_RESOLVED, topics.FEEDBACK_RESPONSES,
                                              topics.PRIVACY_REQUESTS],
                                    lambda records: handle_batch(records, bus))
    threads = [threading.Thread(target=consumer.run, args=(stop,), name="consumer"),
               threading.Thread(target=dispatch_forever, args=(bus, stop), name="dispatch"),
               threading.Thread(target=bus.relay.relay_forever, args=(stop,), name="relay"),
               threading.Thread(target=apply_daily, name="retention", args=(
                   bus, lambda: commands.ApplyRetention(trigger="worker"), stop))]
    threads += connector_threads(bus, stop)  # a poller and a write-back sender per connector
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if server is not None:
        server.close()
