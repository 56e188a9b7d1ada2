"""Dead letters as records an operator can act on: parse, filter, and decide what a replay sends.

Every service dead-letters to one topic (contracts.topics.FEEDBACK_RESPONSES_DLQ) through
chassis.kafka.dead_letter: a `message.rejected` envelope whose data carries the source topic,
key, the refused value as it came, the reason, field errors and `rejected_by` (the rejecting
service). No header carries any of it (only the request id and trace context, as on every
record); the source partition and offset are not recorded. A record's time is its Kafka
timestamp (the producer's create time, when it was dead-lettered).

A replay is idempotent by content: the same bytes sent to the same topic again change nothing
for an idempotent consumer, so the ledger (the service's access audit, action `dlq.replay`)
keys each replay by a digest of (source topic, value). A record rejected again after a replay
carries the same digest and is not replayed a second time (no loop); `--again` overrides.
"""
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

REPLAY_ACTION = "dlq.replay"
REPLAY_HEADER = "dlq-replay-of"


@dataclass(frozen=True)
class DeadLetter:
    """One record of the dead-letter topic, read back."""

    topic: str
    partition: int
    offset: int
    at: datetime
    reason: str
    source_topic: str | None = None
    key: str | None = None
    rejected_by: str | None = None
    value: str | None = None  # the refused message as it came: may hold personal data
    errors: dict = field(default_factory=dict)
    event_id: str | None = None

    @property
    def position(self) -> str:
        return f"{self.partition}:{self.offset}"

    @property
    def ref(self) -> str:
        """The record's name in the audit: topic:partition:offset."""
        return f"{self.topic}:{self.position}"

    @property
    def digest(self) -> str:
        """What a replay sends, as a digest: equal for a record and its rejected replay."""
        text = f"{self.source_topic or ''}\x1f{self.value or ''}"
        return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()

    def summary(self) -> dict:
        """The metadata, never the refused value (it may hold personal data)."""
        return {"partition": self.partition, "offset": self.offset, "at": iso(self.at),
                "reason": self.reason, "source_topic": self.source_topic, "key": self.key,
                "rejected_by": self.rejected_by}


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def parse(topic: str, partition: int, offset: int, timestamp_ms: int, raw: bytes | None) -> DeadLetter:
    """A DLQ record as a DeadLetter; one that is not a readable `message.rejected` says so."""
    at = datetime.fromtimestamp(max(timestamp_ms, 0) / 1000, timezone.utc)
    try:
        doc = json.loads(raw or b"")
        data = doc["data"]
        if doc.get("event_type") != "message.rejected" or not isinstance(data, dict):
            raise ValueError("not a message.rejected envelope")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return DeadLetter(topic, partition, offset, at, "unreadable dead letter",
                          value=(raw or b"").decode("utf-8", "replace"))
    return DeadLetter(topic, partition, offset, at, str(data.get("reason") or ""),
                      source_topic=data.get("topic"), key=data.get("key"),
                      rejected_by=data.get("rejected_by"), value=data.get("value"),
                      errors=data.get("errors") or {}, event_id=doc.get("event_id"))


@dataclass(frozen=True)
class Selection:
    """The filters of list and replay; None matches anything."""

    reason: str | None = None  # a part of the reason, any case
    since: datetime | None = None
    until: datetime | None = None
    key: str | None = None
    source_topic: str | None = None
    rejected_by: str | None = None

    def matches(self, letter: DeadLetter) -> bool:
        return ((self.reason is None or self.reason.casefold() in letter.reason.casefold())
                and (self.since is None or letter.at >= self.since)
                and (self.until is None or letter.at < self.until)
                and (self.key is None or letter.key == self.key)
                and (self.source_topic is None or letter.source_topic == self.source_topic)
                and (self.rejected_by is None or letter.rejected_by == self.rejected_by))

    def audited(self) -> dict:
        """The filters as the access audit keeps them (a name holding 'key' would be dropped)."""
        given = {"reason": self.reason, "since": self.since, "until": self.until,
                 "message_id": self.key, "source_topic": self.source_topic,
                 "group": self.rejected_by}
        return {name: value for name, value in given.items() if value is not None}


def parse_position(text: str, partitions: list[int]) -> tuple[int, int]:
    """'OFFSET' (the topic has one partition) or 'PARTITION:OFFSET' as (partition, offset)."""
    head, sep, tail = text.strip().partition(":")
    try:
        partition, offset = (int(head), int(tail)) if sep else (None, int(head))
    except ValueError:
        raise ValueError(f"{text!r} is not an offset (OFFSET or PARTITION:OFFSET)") from None
    if partition is None:
        if len(partitions) != 1:
            raise ValueError(f"the topic has {len(partitions)} partitions: give PARTITION:OFFSET")
        partition = partitions[0]
    if partition not in partitions or offset < 0:
        raise ValueError(f"no record at {partition}:{offset}")
    return partition, offset


def replay_ledger(audit_entries) -> dict[str, str]:
    """{digest: the record (topic:partition:offset) replayed first} from dlq.replay audit entries
    (newest first, as the audit pages them). By content, whichever dead-letter topic held it."""
    found: dict[str, str] = {}
    for entry in audit_entries:
        digest = (entry.get("filters") or {}).get("digest")
        if digest and entry.get("target"):
            found[digest] = entry["target"]  # newest first: the oldest is written last and wins
    return found


@dataclass(frozen=True)
class Verdict:
    letter: DeadLetter
    send: bool
    why: str = ""


def plan(letters, ledger: dict[str, str], service: str, consumes, again: bool = False) -> list[Verdict]:
    """What a replay by `service` (reading `consumes`) would do with each record, and why not."""
    verdicts, planned = [], {}
    for letter in letters:
        if letter.rejected_by != service:
            why = (f"rejected by {letter.rejected_by}: replay it with {letter.rejected_by}"
                   if letter.rejected_by else "unreadable: nothing to replay")
            verdicts.append(Verdict(letter, False, why))
        elif letter.source_topic not in consumes:
            verdicts.append(Verdict(letter, False, f"{letter.source_topic} is not read by {service}"
                                    " (it came in over HTTP: the sender must send it again)"))
        elif letter.digest in planned:
            verdicts.append(Verdict(letter, False, f"same message as {planned[letter.digest]}"))
        elif letter.digest in ledger and not again:
            verdicts.append(Verdict(letter, False, f"already replayed (as {ledger[letter.digest]})"))
        else:
            planned[letter.digest] = letter.position
            verdicts.append(Verdict(letter, True))
    return verdicts
