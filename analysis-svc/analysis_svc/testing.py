"""Fakes and event builders for tests of analysis-svc (never wired into the running service)."""
import uuid
from datetime import datetime, timezone

from chassis.kafka import Record
from contracts.envelope import encode, make_envelope

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


def start_group_at_end(bootstrap: str, group_id: str, topics) -> None:
    """Commit a new consumer group's offsets at the topics' current ends (skip shared history)."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group_id,
                             enable_auto_commit=False)
    try:
        partitions = [TopicPartition(t, p) for t in topics
                      for p in consumer.partitions_for_topic(t) or ()]
        ends = consumer.end_offsets(partitions)
        consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in ends.items()})
    finally:
        consumer.close()


def topic_ends(bootstrap: str, topic: str) -> dict[int, int]:
    """Each partition's current end offset: pass it to read_topic to read only what follows."""
    from kafka import KafkaConsumer, TopicPartition
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(partitions).items()}
    finally:
        consumer.close()


def read_topic(bootstrap: str, topic: str, predicate, since: dict[int, int] | None = None,
               timeout_s: float = 60) -> list:
    """Decoded envelopes on a topic (from `since`, else the start, up to its current end)."""
    import time
    from kafka import KafkaConsumer, TopicPartition
    from contracts.envelope import decode
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        for tp in partitions:
            consumer.seek(tp, (since or {}).get(tp.partition, 0))
        ends, found = consumer.end_offsets(partitions), []
        deadline = time.monotonic() + timeout_s
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end")
            for messages in consumer.poll(timeout_ms=500).values():
                for message in messages:
                    try:
                        envelope = decode(message.value)
                    except ValueError:
                        continue
                    if predicate(envelope):
                        found.append(envelope)
        return found
    finally:
        consumer.close()
