"""Background work: consume tickets and answers, dispatch mail, relay the outbox."""
import logging
import threading

from chassis.kafka import ConsumerWorker, dead_letter
from chassis.outbox import OutboxRelay
from contracts import topics
from contracts.envelope import decode
from contracts.errors import InvalidEvent
from survey_svc.adapters.tickets import ticket_from_data
from survey_svc.entrypoints.senders import senders_for
from survey_svc.service_layer import answers, intake

log = logging.getLogger(__name__)
GROUP = "survey-svc"


def handle_message(topic: str, value: bytes, services) -> None:
    """One record: decided once, however often it is delivered."""
    envelope = decode(value)
    data, kind = envelope.data, envelope.event_type
    uow, clock = services.uow(), services.clock
    if kind == "ticket.resolved":
        ticket = ticket_from_data(data)
        if data.get("reopened"):
            intake.reopen_ticket(uow, clock, ticket.ticket_id, ticket.resolution)
        else:
            intake.resolve_ticket(uow, clock, ticket)
    elif kind == "ticket.reopened":
        intake.reopen_ticket(uow, clock, data["ticket_id"], data["resolution"])
    elif kind in ("response.submitted", "response.amended"):
        answers.record_answer(uow, clock, envelope.event_id, data.get("invitation_id"))
    elif kind == "optout.requested":
        answers.opt_out_invitation(uow, clock, envelope.event_id, data["invitation_id"])


def handle_batch(records, services) -> None:
    for record in records:
        try:
            handle_message(record.topic, record.value, services)
        except InvalidEvent as err:
            if record.topic == topics.TICKETS_RESOLVED:  # ours to reject; others' DLQ is theirs
                dead_letter(services.publisher, record, str(err), err.messages, GROUP)
            log.warning("skipped an invalid event", extra={"topic": record.topic,
                                                           "offset": record.offset})


def dispatch_forever(services, stop: threading.Event) -> None:
    """Rounds every SURVEY_DISPATCH_INTERVAL, at once again while a round had a full batch."""
    settings, senders = services.settings, senders_for(services)
    try:
        while not stop.is_set():
            full = False
            try:
                done = senders.round(settings.dispatch_batch)
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


def run(services, stop: threading.Event, group_id: str = GROUP) -> None:
    """Consumer, dispatcher and outbox relay until `stop` is set."""
    consumer = ConsumerWorker(
        services.settings.kafka_bootstrap_servers, group_id,
        [topics.TICKETS_RESOLVED, topics.FEEDBACK_RESPONSES],
        lambda records: handle_batch(records, services), client_id="survey-svc")
    relay = OutboxRelay(services.sessions, services.publisher)
    threads = [threading.Thread(target=consumer.run, args=(stop,), name="consumer"),
               threading.Thread(target=dispatch_forever, args=(services, stop), name="dispatch"),
               threading.Thread(target=relay.relay_forever, args=(stop,), name="relay")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
