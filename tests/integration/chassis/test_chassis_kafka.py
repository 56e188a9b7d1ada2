"""The publisher and consumer worker against a real broker."""
import threading

import pytest
from confluent_kafka import TopicPartition

from chassis.kafka import ConsumerWorker, KafkaPublisher, PublishError
from contracts.envelope import decode, make_envelope
from contracts.topics import FEEDBACK_RESPONSES

pytestmark = pytest.mark.integration


def responses(run: str, start: int, count: int):
    return [make_envelope("response.submitted", {
        "response_id": f"{run}-{i}", "invitation_id": f"{run}-inv-{i}", "version": 1, "score": 4,
        "channel": "api", "submitted_at": "2026-01-05T09:00:00Z", "directorate": "Test"}, "test")
        for i in range(start, start + count)]


class Collector:
    """Keeps this run's response ids; others share the dev broker's topics."""

    def __init__(self, run: str, fail_first: bool = False):
        self.run, self.fail_first, self.seen = run, fail_first, []
        self.lock = threading.Lock()

    def __call__(self, records):
        mine = [decode(r.value).data["response_id"] for r in records
                if self.run.encode() in r.value]
        if self.fail_first and mine:
            self.fail_first = False
            raise RuntimeError("handler failed once")
        with self.lock:
            self.seen.extend(mine)


def worker(bootstrap, group, handler, name):
    # A new group starts at the end of the topic, so history from other tests never counts.
    return ConsumerWorker(bootstrap, group, [FEEDBACK_RESPONSES], handler, client_id=name,
                          max_records=50, retry_backoff_s=0.1, auto_offset_reset="latest")


def join(workers, wait_for, partitions=6):
    """Poll until the group owns every partition and each position is fixed."""
    for w in workers:
        w.subscribe()
    wait_for(lambda: [w.poll_once() for w in workers] and all(
        w.assignment() for w in workers) and sum(
        len(w.assignment()) for w in workers) == partitions, timeout=60,
        message="every worker assigned, every partition owned")
    for w in workers:  # "latest" is resolved lazily: fix each position at today's end instead
        for tp in w.assignment():
            end = w.consumer.get_watermark_offsets(tp, timeout=10)[1]
            w.consumer.seek(TopicPartition(tp.topic, tp.partition, end))


def drain(w: ConsumerWorker, collector: Collector, wanted: int, wait_for):
    wait_for(lambda: w.poll_once() is not None and len(set(collector.seen)) >= wanted,
             timeout=60, message=f"{wanted} messages consumed")


def test_resumes_after_the_last_committed_offset(kafka_bootstrap, unique, wait_for):
    publisher = KafkaPublisher(kafka_bootstrap, "test")
    first = Collector(unique, fail_first=True)
    w = worker(kafka_bootstrap, f"g-{unique}", first, "c1")
    join([w], wait_for)
    publisher.publish_many(responses(unique, 0, 60))
    drain(w, first, 60, wait_for)
    w.close()
    assert sorted(set(first.seen)) == sorted(f"{unique}-{i}" for i in range(60))

    publisher.publish_many(responses(unique, 60, 40))
    second = Collector(unique)
    w = worker(kafka_bootstrap, f"g-{unique}", second, "c1")
    w.subscribe()
    drain(w, second, 40, wait_for)
    w.close()
    assert sorted(second.seen) == sorted(f"{unique}-{i}" for i in range(60, 100))
    publisher.close()


def test_two_consumers_split_partitions_and_one_takes_over(kafka_bootstrap, unique, wait_for):
    publisher = KafkaPublisher(kafka_bootstrap, "test")
    collectors = [Collector(unique), Collector(unique)]
    workers = [worker(kafka_bootstrap, f"g-{unique}", c, f"c{i}") for i, c in enumerate(collectors)]
    join(workers, wait_for)
    assigned = [{tp.partition for tp in w.assignment()} for w in workers]
    assert assigned[0].isdisjoint(assigned[1]) and len(assigned[0] | assigned[1]) == 6

    publisher.publish_many(responses(unique, 0, 120))
    wait_for(lambda: [w.poll_once() for w in workers] and
             len(collectors[0].seen) + len(collectors[1].seen) >= 120, timeout=60)
    both = collectors[0].seen + collectors[1].seen
    assert sorted(both) == sorted(f"{unique}-{i}" for i in range(120))
    assert collectors[0].seen and collectors[1].seen

    workers[1].close()
    publisher.publish_many(responses(unique, 120, 60))
    wait_for(lambda: workers[0].poll_once() is not None and len(
        workers[0].assignment()) == 6 and len(collectors[0].seen) + len(
        collectors[1].seen) >= 180, timeout=60, message="survivor took over")
    assert sorted(collectors[0].seen + collectors[1].seen) == sorted(
        f"{unique}-{i}" for i in range(180))
    workers[0].close()
    publisher.close()


def test_publishing_to_an_unreachable_broker_raises_publish_error():
    publisher = KafkaPublisher("127.0.0.1:1", "test", timeout_s=1)
    with pytest.raises(PublishError):
        publisher.publish(responses("x", 0, 1)[0])
    publisher.close()


def test_threads_publishing_one_at_a_time_each_get_their_own_confirmation(
        kafka_bootstrap, unique, wait_for):
    publisher, collector = KafkaPublisher(kafka_bootstrap, "test"), Collector(unique)
    w = worker(kafka_bootstrap, f"g-{unique}", collector, "c1")
    join([w], wait_for)
    events = responses(unique, 0, 160)
    threads = [threading.Thread(target=lambda mine: [publisher.publish(e) for e in mine],
                                args=(events[i::16],)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    drain(w, collector, 160, wait_for)
    w.close()
    publisher.close()
    assert sorted(collector.seen) == sorted(f"{unique}-{i}" for i in range(160))
