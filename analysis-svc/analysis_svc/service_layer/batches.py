"""One consumed batch: decode, apply in one transaction, publish, learn; poison to the DLQ."""
import logging
from dataclasses import dataclass
from typing import Callable

from contracts.envelope import decode
from contracts.errors import InvalidEvent

from analysis_svc.service_layer.erasure import forget_erased
from analysis_svc.service_layer.scoring import Outcome, Policy, handle_events

log = logging.getLogger(__name__)
RELEVANT_PREFIXES = ("response.submitted", "response.amended", "invitation.")


class Learner:
    """Pools (comment, score) pairs: learning has a fixed cost per call, so it runs in bulk."""

    def __init__(self, analyser, every: int = 2000):
        self.analyser, self.every, self.pending = analyser, every, []

    def add(self, pairs) -> None:
        self.pending.extend(pairs)
        if self.pending and len(self.pending) >= self.every:
            texts, scores = zip(*self.pending)
            self.pending.clear()
            self.analyser.learn(list(texts), list(scores))


@dataclass(frozen=True)
class Pipeline:
    """What a batch needs, from the bus's dependencies."""

    uow: object
    analyser: object
    publisher: object
    policy: Policy
    clock: object
    learner: Learner
    dead_letter: Callable  # (publisher, record, reason, errors) -> None
    transient: tuple[type[BaseException], ...] = ()
    notify: Callable | None = None  # (repo, alert envelopes, now): stages alert emails


def process(records, p: Pipeline) -> int:
    """Store what the records say; raises only for transient failures (re-read the batch)."""
    pairs = []
    for record in records:
        try:
            envelope = decode(record.value)
        except InvalidEvent as err:
            p.dead_letter(p.publisher, record, str(err), err.messages)
            continue
        if envelope.event_type.startswith(RELEVANT_PREFIXES):
            pairs.append((record, envelope))
    if not pairs:
        return 0
    try:
        return _apply([e for _, e in pairs], p).stored
    except p.transient:
        raise
    except Exception:
        log.warning("batch failed; retrying one message at a time", exc_info=True)
    return sum(_apply_one(record, envelope, p) for record, envelope in pairs)


def _apply_one(record, envelope, p: Pipeline) -> int:
    try:
        return _apply([envelope], p).stored
    except p.transient:
        raise
    except Exception as err:
        log.warning("message rejected", extra={"topic": record.topic, "offset": record.offset,
                                               "error": type(err).__name__})
        p.dead_letter(p.publisher, record, f"could not be processed: {type(err).__name__}", {})
        return 0


def _apply(envelopes, p: Pipeline) -> Outcome:
    now = p.clock.now()
    with p.uow:
        repo = p.uow.analysis
        outcome = handle_events(repo, envelopes, p.analyser, p.policy, now)
        forget_erased(p.uow.erasures, envelopes, outcome)
        alerts = [e for e in outcome.events if e.event_type.startswith("alert.")]
        if p.notify and alerts:
            p.notify(repo, alerts, now)
        # Published before the commit with stable event ids: a retry re-sends the same ids.
        if outcome.events:
            p.publisher.publish_many(outcome.events)
        p.uow.commit()
    p.learner.add(outcome.learn)
    return outcome
