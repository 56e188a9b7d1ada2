"""Deliver events: broker-confirmed within a short bound, or else fsync'd to the spool."""
import logging
import threading

from chassis.kafka import KafkaPublisher, PublishError
from chassis.kafka.carried import carried_headers
from chassis.privacy.envelopes import seal_envelopes
from contracts import encode

from ingest_svc.adapters.spool import Spool

log = logging.getLogger(__name__)


class BoundedPublisher(KafkaPublisher):
    """chassis' publisher, but waiting for the broker's confirmation only `ack_bound_s`."""

    def __init__(self, bootstrap_servers: str, client_id: str, ack_bound_s: float, **config):
        super().__init__(bootstrap_servers, client_id, timeout_s=max(ack_bound_s, 1.0), **config)
        self.ack_bound_s = ack_bound_s

    def publish_raw(self, messages) -> None:
        # A miss purges the producer's unconfirmed messages, so none lands after the caller
        # spooled it (one already on the wire may: consumers dedupe on event_id).
        self._send(messages, self.ack_bound_s, discard_on_failure=True)


class SpoolingDelivery:
    """The Delivery port. While anything is spooled, new events queue behind it (order per key).
    With a key vault, personal fields are sealed first: neither the log nor the spool has them
    in clear (an answer under its `subject`'s key for the month it was given)."""

    def __init__(self, publisher, spool: Spool, vault=None):
        self.publisher = publisher
        self.spool = spool
        self.vault = vault

    def deliver(self, envelopes) -> str:
        envelopes = list(envelopes)
        if self.vault is not None:
            envelopes = seal_envelopes(envelopes, self.vault,
                                       [e.data.get("subject") for e in envelopes],
                                       [e.data.get("submitted_at") for e in envelopes])
        messages = [(e.topic, e.key, encode(e)) for e in envelopes]
        if not self.spool.pending():
            try:
                self.publisher.publish_raw(messages)
                return "published"
            except PublishError as err:
                log.warning("broker did not confirm; spooling", extra={"reason": str(err)})
        self.spool.append(messages, carried_headers())  # the flush continues this request's trace
        return "spooled"


def flush_spool(spool: Spool, publisher, batch: int = 500) -> int:
    """Replay the spool in order; returns how many were confirmed. Stops at the first failure."""
    sent = 0
    with spool.flushing() as mine:
        if not mine:
            return 0
        while rows := spool.peek_to_send(batch):
            try:
                publisher.publish_raw([row[1:] for row in rows])  # (topic, key, value, headers)
            except PublishError:
                break
            spool.remove_through(rows[-1][0])
            sent += len(rows)
    return sent


def flush_forever(spool: Spool, publisher, stop: threading.Event, interval_s: float = 1.0) -> None:
    while not stop.is_set():
        try:
            if spool.pending():
                sent = flush_spool(spool, publisher)
                if sent:
                    log.info("spool replayed", extra={"sent": sent})
        except Exception:  # the flusher must outlive any one failure
            log.exception("spool flush failed")
        stop.wait(interval_s)


class SpoolFlusher:
    """Replays the spool onto the broker: now, or every `interval_s` in a thread until `stop`."""

    def __init__(self, spool: Spool, publisher, stop: threading.Event):
        self.spool, self.publisher, self.stop = spool, publisher, stop

    def flush(self) -> int:
        return flush_spool(self.spool, self.publisher)

    def start(self, interval_s: float = 1.0) -> threading.Thread:
        thread = threading.Thread(target=flush_forever, name="spool-flusher", daemon=True,
                                  args=(self.spool, self.publisher, self.stop, interval_s))
        thread.start()
        return thread
