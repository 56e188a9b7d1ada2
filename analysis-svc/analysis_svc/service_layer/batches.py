"""One consumed batch: decode, apply in one transaction, publish, learn; poison to the DLQ."""
import logging
from dataclasses import dataclass
from typing import Callable

from chassis.privacy.envelopes import open_envelopes, seal_envelopes
from contracts.envelope import decode
from contracts.errors import InvalidEvent

from analysis_svc.service_layer.erasure import forget_erased
from analysis_svc.service_layer.scoring import Outcome, Policy, handle_events, roll_up

log = logging.getLogger(__name__)
RELEVANT_PREFIXES = ("response.submitted", "response.amended", "invitation.", "writeback.",
                     "ticket.followed_up")


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
    vault: object = None  # chassis.privacy KeyVault: opens what comes in, seals what goes out
    readings: dict | None = None  # rebuild: recorded readings of comments no longer readable


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
    if p.vault is not None:  # comments and requester names, one vault query for the batch
        pairs = list(zip([r for r, _ in pairs], open_envelopes([e for _, e in pairs], p.vault)))
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
        outcome = handle_events(repo, envelopes, p.analyser, p.policy, now, p.readings,
                                getattr(p.uow, "ticket_trail", None))
        forget_erased(p.uow.erasures, envelopes, outcome)
        _announce(outcome.events, outcome, repo, now, p)
        drops = roll_up(repo, outcome, p.policy, now)  # last: the rows other processes share
        _announce(drops, outcome, repo, now, p)
        outcome.events.extend(drops)
        p.uow.commit()
    p.learner.add(outcome.learn)
    return outcome


def _announce(events: list, outcome: Outcome, repo, now, p: Pipeline) -> None:
    """Stage the alerts' emails and publish the events, inside the batch's transaction.
    Published before the commit with stable event ids: a retry re-sends the same ids."""
    alerts = [e for e in events if e.event_type.startswith("alert.")]
    if p.notify and alerts:
        p.notify(repo, alerts, now)
    if events:
        p.publisher.publish_many(_sealed(events, outcome, p.vault))


def _sealed(events: list, outcome: Outcome, vault) -> list:
    """The events with each redacted comment sealed as its answer's comment was: under the
    answerer's key for the month it was given (one key to shred for both)."""
    if vault is None:
        return events
    owners = [outcome.owners.get(e.data.get("response_id"), (None, None)) for e in events]
    return seal_envelopes(events, vault, [subject for subject, _ in owners],
                          [at for _, at in owners])
