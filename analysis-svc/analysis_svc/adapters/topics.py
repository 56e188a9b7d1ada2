"""Kafka wiring for the consumer group and for `rebuild`'s replay (built by bootstrap only)."""
from chassis.kafka import ConsumerWorker
from contracts.topics import FEEDBACK_RESPONSES, SURVEYS_LIFECYCLE

from analysis_svc.adapters.replay import TopicReplay

TOPICS = (FEEDBACK_RESPONSES, SURVEYS_LIFECYCLE)


def subscriber(settings):
    """subscribe(handle_batch, group_id=None) -> a ConsumerWorker on TOPICS."""
    def subscribe(handle_batch, *, group_id: str | None = None) -> ConsumerWorker:
        return ConsumerWorker(settings.kafka_bootstrap_servers, group_id or settings.group_id,
                              list(TOPICS), handle_batch, client_id="analysis-svc",
                              max_records=settings.batch_size, max_poll_interval_ms=600_000)
    return subscribe


def replayer(settings):
    """replay(topic) -> a TopicReplay reading it from the start to its current end."""
    def replay(topic: str) -> TopicReplay:
        return TopicReplay(settings.kafka_bootstrap_servers, [topic], settings.batch_size)
    return replay
