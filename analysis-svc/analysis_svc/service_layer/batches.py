"""The per-batch function the consumer calls: decode, apply in one transaction, publish, learn."""
import logging
from dataclasses import dataclass, field
from typing import Callable

from contracts.envelope import decode
from contracts.errors import InvalidEvent

from analysis_svc.service_layer.handlers import Outcome, Policy, handle_events

log = logging.getLogger(__name__)
RELEVANT_PREFIXES = ("response.submitted", "response.amended", "invitation.")


class Transient(Exception):
    """The database or broker is unavailable: re-read the batch later, reject nothing."""


@dataclass
class Consumer:
    uow: Callable  # () -> context manager yielding a repository, committing on exit
    analyser: object
    publisher: object
    dead_letter: Callable  # (record, reason, errors) -> None
    policy: Policy
    clock: Callable  # () -> aware datetime
    notify: Callable | None = None  # (repo, alert envelopes, now) -> None: stages alert emails
    transient: tuple[type[BaseException], ...] = ()
    # Learning has a fixed cost per call, so comments are pooled and learned from in bulk.
    learn_every: int = 2000
    _to_learn: list = field(default_factory=list)

    def handle_batch(self, records) -> int:
        """Process records; poison goes to the DLQ; raises only for transient failures."""
        pairs = []
        for record in records:
            try:
                envelope = decode(record.value)
            except InvalidEvent as err:
                self.dead_letter(record, str(err), err.messages)
                continue
            if envelope.event_type.startswith(RELEVANT_PREFIXES):
                pairs.append((record, envelope))
        if not pairs:
            return 0
        try:
            return self._apply([e for _, e in pairs]).stored
        except self.transient:
            raise
        except Exception:
            log.warning("batch failed; retrying one message at a time", exc_info=True)
        return sum(self._apply_one(record, envelope) for record, envelope in pairs)

    def _apply_one(self, record, envelope) -> int:
        try:
            return self._apply([envelope]).stored
        except self.transient:
            raise
        except Exception as err:
            log.warning("message rejected", extra={"topic": record.topic, "offset": record.offset,
                                                   "error": type(err).__name__})
            self.dead_letter(record, f"could not be processed: {type(err).__name__}", {})
            return 0

    def _apply(self, envelopes) -> Outcome:
        now = self.clock()
        with self.uow() as repo:
            outcome = handle_events(repo, envelopes, self.analyser, self.policy, now)
            alerts = [e for e in outcome.events if e.event_type.startswith("alert.")]
            if self.notify and alerts:
                self.notify(repo, alerts, now)
            # Published before the commit with stable event ids: a retry re-sends the same ids.
            if outcome.events:
                self.publisher.publish_many(outcome.events)
        self._to_learn.extend(outcome.learn)
        if len(self._to_learn) >= self.learn_every:
            texts, scores = zip(*self._to_learn)
            self._to_learn.clear()
            self.analyser.learn(list(texts), list(scores))
        return outcome
