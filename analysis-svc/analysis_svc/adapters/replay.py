"""Read topics from the beginning up to their current end, in batches (for `rebuild`)."""
from kafka import KafkaConsumer, TopicPartition

from chassis.kafka import Record


class TopicReplay:
    def __init__(self, bootstrap_servers: str, topics, batch_size: int = 1000):
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None,
                                      enable_auto_commit=False, client_id="analysis-svc-rebuild")
        self.batch_size = batch_size
        self.partitions = [TopicPartition(t, p) for t in topics
                           for p in sorted(self.consumer.partitions_for_topic(t) or [])]
        self.consumer.assign(self.partitions)
        self.consumer.seek_to_beginning(*self.partitions)
        self.begin = self.consumer.beginning_offsets(self.partitions)
        self.end = self.consumer.end_offsets(self.partitions)
        self.total = sum(self.end[tp] - self.begin[tp] for tp in self.partitions)

    def batches(self):
        """Yield lists of Records until every partition reached its end offset of the start."""
        remaining = {tp for tp in self.partitions if self.end[tp] > self.begin[tp]}
        for tp in set(self.partitions) - remaining:
            self.consumer.pause(tp)
        while remaining:
            polled = self.consumer.poll(timeout_ms=1000, max_records=self.batch_size)
            batch = []
            for tp, messages in polled.items():
                for m in messages:
                    if m.offset < self.end[tp]:
                        batch.append(Record(m.topic, m.partition, m.offset,
                                            m.key.decode("utf-8", "replace") if m.key else None,
                                            m.value, m.timestamp))
            for tp in list(remaining):
                if self.consumer.position(tp) >= self.end[tp]:
                    remaining.discard(tp)
                    self.consumer.pause(tp)
            if batch:
                yield batch

    def close(self) -> None:
        self.consumer.close()
