"""Fakes and event builders for tests of analysis-svc (never wired into the running service)."""
import threading
import time
import uuid
from datetime import datetime, timezone

from confluent_kafka import Consumer, TopicPartition

from chassis.kafka import Record, client_config, records_of
from contracts.envelope import decode, encode, make_envelope

from analysis_svc.service_layer.ports import TextAnalysis


class FakeAnalyser:
    """Negative if the text says 'bad', positive if 'good'; redacts the requester's name."""

    def __init__(self):
        self.learned: list[tuple[str, int]] = []

    def analyse(self, text, *, requester_name=None, score=None) -> TextAnalysis:
        if not text:
            return TextAnalysis("neutral", 0.0, [], None, False)
        lowered = text.lower()
        compound = -0.8 if "bad" in lowered else 0.7 if "good" in lowered else 0.0
        label = "negative" if compound < 0 else "positive" if compound > 0 else "neutral"
        redacted = text.replace(requester_name, "[name]") if requester_name else text
        themes = ["speed"] if "slow" in lowered or "quick" in lowered else []
        disagreement = score is not None and ((score >= 4 and compound < -0.5)
                                              or (score <= 2 and compound > 0.5))
        return TextAnalysis(label, compound, themes, redacted, disagreement)

    def analyse_many(self, items):
        return [self.analyse(text, requester_name=name, score=score)
                for text, name, score in items]

    def learn(self, texts, scores):
        self.learned.extend(zip(texts, scores))


def response(response_id=None, *, version=1, score=4, comment=None, directorate="Adults",
             service="Email", team="Desk", invitation_id=None,
             submitted_at=datetime(2026, 11, 10, 9, tzinfo=timezone.utc)):
    response_id = response_id or uuid.uuid4().hex
    kind = "response.submitted" if version == 1 else "response.amended"
    return make_envelope(kind, {
        "response_id": response_id, "invitation_id": invitation_id, "version": version,
        "score": score, "comment": comment, "channel": "email", "directorate": directorate,
        "service": service, "team": team, "submitted_at": submitted_at}, "ingest-svc")


def invitation(step, invitation_id, *, name=None, directorate="Adults", service="Email",
               team="Desk", at=datetime(2026, 11, 9, 9, tzinfo=timezone.utc)):
    data = {"invitation_id": invitation_id, "ticket_id": "T1", "at": at,
            "directorate": directorate, "service": service, "team": team}
    if step == "created":
        data |= {"resolution": 1, "requester_id": "p1", "requester_name": name,
                 "due_at": at, "expires_at": at}
    return make_envelope(f"invitation.{step}", data, "survey-svc")


def record(envelope, offset=0) -> Record:
    return Record(envelope.topic, 0, offset, envelope.key, encode(envelope))


def raw_record(value: bytes, topic="feedback.responses") -> Record:
    return Record(topic, 0, 0, None, value)


def _consumer(bootstrap: str, group_id: str = "analysis-svc-test"):
    return Consumer(client_config(bootstrap, "analysis-svc-test", {
        "group.id": group_id, "enable.auto.commit": False}))


def _marks(consumer, topics) -> dict:
    """{(topic, partition): (first offset, end offset)} of the topics' partitions, as of now."""
    metadata = consumer.list_topics(timeout=30)
    return {(t, p): consumer.get_watermark_offsets(TopicPartition(t, p), timeout=30)
            for t in topics for p in metadata.topics[t].partitions}


def start_group_at_end(bootstrap: str, group_id: str, topics) -> None:
    """Commit a new consumer group's offsets at the topics' current ends (skip shared history)."""
    consumer = _consumer(bootstrap, group_id)
    try:
        offsets = [TopicPartition(t, p, end)
                   for (t, p), (_, end) in _marks(consumer, topics).items()]
        consumer.assign(offsets)
        consumer.commit(offsets=offsets, asynchronous=False)
    finally:
        consumer.close()


def topic_ends(bootstrap: str, topic: str) -> dict[int, int]:
    """Each partition's current end offset: pass it to read_topic to read only what follows."""
    consumer = _consumer(bootstrap)
    try:
        return {p: end for (_, p), (_, end) in _marks(consumer, [topic]).items()}
    finally:
        consumer.close()


def read_topic(bootstrap: str, topic: str, predicate, since: dict[int, int] | None = None,
               timeout_s: float = 60) -> list:
    """Decoded envelopes on a topic (from `since`, else the start, up to its current end)."""
    consumer = _consumer(bootstrap)
    try:
        marks = _marks(consumer, [topic])
        ends = {tp: end for tp, (_, end) in marks.items()}
        start = {p: max(low, (since or {}).get(p, 0)) for (_, p), (low, _) in marks.items()}
        remaining = {(t, p) for (t, p), end in ends.items() if start[p] < end}
        consumer.assign([TopicPartition(t, p, start[p]) for t, p in remaining])
        found, deadline = [], time.monotonic() + timeout_s
        while remaining:
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end")
            for message in records_of(consumer.consume(1000, 0.5)):
                if message.offset >= ends[topic, message.partition] - 1:
                    remaining.discard((topic, message.partition))
                if message.offset >= ends[topic, message.partition]:
                    continue
                try:
                    envelope = decode(message.value)
                except ValueError:
                    continue
                if predicate(envelope):
                    found.append(envelope)
        return found
    finally:
        consumer.close()


class ConsumerThread:
    """analysis-svc's consumer loop (worker.make_worker) in a daemon thread, in `group_id`."""

    def __init__(self, bus, group_id: str):
        from analysis_svc.entrypoints import worker  # the entry point, only where a test runs one

        self.stop = threading.Event()
        self.worker = worker.make_worker(bus, group_id=group_id)
        self.thread = threading.Thread(target=self.worker.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def close(self):
        self.stop.set()
        self.thread.join(timeout=30)
