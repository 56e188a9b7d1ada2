"""The consumer loop: thin wiring around Consumer.handle_batch; restarts after a crash."""
import logging
import threading

from chassis.kafka import ConsumerWorker
from contracts.topics import FEEDBACK_RESPONSES, SURVEYS_LIFECYCLE

log = logging.getLogger(__name__)
TOPICS = (FEEDBACK_RESPONSES, SURVEYS_LIFECYCLE)


def make_worker(services, *, group_id: str | None = None, topics=TOPICS) -> ConsumerWorker:
    settings = services.settings
    consumer = services.consumer()
    return ConsumerWorker(settings.kafka_bootstrap_servers, group_id or settings.group_id,
                          list(topics), consumer.handle_batch, client_id="analysis-svc",
                          max_records=settings.batch_size, max_poll_interval_ms=600_000)


def run(services, stop: threading.Event, *, group_id: str | None = None) -> None:
    """Consume until `stop` is set; a failed consumer (e.g. a lost rebalance) is rebuilt.
    With alert emails on, a relay thread sends the emails the batches staged."""
    relay = services.mail_relay()
    if relay is not None:
        threading.Thread(target=relay.relay_forever, args=(stop,), name="alert-mail-relay",
                         daemon=True).start()
    while not stop.is_set():
        try:
            make_worker(services, group_id=group_id).run(stop)
        except Exception:
            # Offsets were not committed for the failed batch; the next consumer re-reads it.
            log.exception("consumer stopped; restarting")
            stop.wait(2.0)
