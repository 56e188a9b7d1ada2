"""The consumer loop: thin wiring around Consumer.handle_batch; restarts after a crash."""
import gc
import logging
import threading

from chassis.kafka import ConsumerWorker
from contracts.topics import FEEDBACK_RESPONSES, SURVEYS_LIFECYCLE

log = logging.getLogger(__name__)
TOPICS = (FEEDBACK_RESPONSES, SURVEYS_LIFECYCLE)
# A batch allocates ~100 objects per message; with the default gen-0 threshold (700) the
# collector runs every few messages and its older generations keep re-scanning the loaded
# models (nltk, scikit-learn): ~45 us of the ~290 us of CPU per response. Frozen start-up
# objects and a larger gen-0 threshold cut that to ~10 us; nothing here relies on prompt
# collection of cycles.
GC_THRESHOLD = (10_000, 10, 10)


def tune_gc() -> None:
    """Freeze what start-up loaded (models, modules) out of the collector's scans."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def make_worker(services, *, group_id: str | None = None, topics=TOPICS) -> ConsumerWorker:
    settings = services.settings
    consumer = services.consumer()
    return ConsumerWorker(settings.kafka_bootstrap_servers, group_id or settings.group_id,
                          list(topics), consumer.handle_batch, client_id="analysis-svc",
                          max_records=settings.batch_size, max_poll_interval_ms=600_000)


def run(services, stop: threading.Event, *, group_id: str | None = None) -> None:
    """Consume until `stop` is set; a failed consumer (e.g. a lost rebalance) is rebuilt.
    With alert emails on, a relay thread sends the emails the batches staged."""
    services.analyser  # loaded before the freeze
    tune_gc()
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
