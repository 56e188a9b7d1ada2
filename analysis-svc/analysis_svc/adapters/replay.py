"""Read topics from the beginning up to their current end, in batches (for `rebuild`)."""
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from chassis.kafka import client_config, records_of


class TopicReplay:
    def __init__(self, bootstrap_servers: str, topics, batch_size: int = 1000,
                 timeout_s: float = 30.0):
        # assign() only: the group id is never joined and nothing is committed
        self.consumer = Consumer(client_config(bootstrap_servers, "analysis-svc-rebuild", {
            "group.id": "analysis-svc-rebuild", "enable.auto.commit": False}))
        self.batch_size = batch_size
        metadata = self.consumer.list_topics(timeout=timeout_s)
        self.partitions = [TopicPartition(t, p) for t in topics if t in metadata.topics
                           for p in sorted(metadata.topics[t].partitions)]
        marks = {(tp.topic, tp.partition): self.consumer.get_watermark_offsets(tp, timeout_s)
                 for tp in self.partitions}
        self.begin = {tp: low for tp, (low, _) in marks.items()}
        self.end = {tp: high for tp, (_, high) in marks.items()}
        self.total = sum(self.end[tp] - self.begin[tp] for tp in marks)
        self.consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for (t, p) in marks
                              if self.end[t, p] > self.begin[t, p]])

    def trimmed(self) -> list[tuple[str, int, int]]:
        """(topic, partition, first offset) of each partition no longer starting at offset 0:
        retention (or someone) deleted its beginning."""
        return sorted((t, p, low) for (t, p), low in self.begin.items() if low > 0)

    def batches(self):
        """Yield lists of Records until every partition reached its end offset of the start."""
        remaining = {tp for tp in self.end if self.end[tp] > self.begin[tp]}
        while remaining:
            batch = []
            for record in records_of(self.consumer.consume(self.batch_size, 1.0)):
                tp = (record.topic, record.partition)
                if record.offset < self.end[tp]:
                    batch.append(record)
                if record.offset >= self.end[tp] - 1 and tp in remaining:
                    remaining.discard(tp)
                    self.consumer.pause([TopicPartition(*tp)])
            for tp in self.consumer.position([TopicPartition(*tp) for tp in remaining]):
                if tp.offset >= self.end[tp.topic, tp.partition]:  # e.g. ends with a marker
                    remaining.discard((tp.topic, tp.partition))
            if batch:
                yield batch

    def close(self) -> None:
        self.consumer.close()
