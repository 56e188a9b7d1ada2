"""A background worker's /metrics after real records flow through the shared broker into a real
database: consumer lag per partition, batch latency, outbox depth and age, dead letters."""
import threading
import urllib.request
from functools import partial

import pytest
import sqlalchemy as sa
from confluent_kafka import Consumer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from chassis import metrics
from chassis.db import make_engine, session_factory
from chassis.kafka import ConsumerWorker, KafkaPublisher
from chassis.outbox import OutboxRelay, add_to_outbox, outbox_table
from chassis.tokens import generate_keypair
from contracts.envelope import make_envelope
from contracts.topics import FEEDBACK_RESPONSES, PRIVACY_REQUESTS, TICKETS_RESOLVED
from devkit.kafka_admin import create_topics
from devkit.testing import free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]
RECORDS = 20
WORKER_TOPICS = [TICKETS_RESOLVED, FEEDBACK_RESPONSES, PRIVACY_REQUESTS]  # survey-svc's worker


def scrape(port: int) -> dict[tuple, float]:
    """(sample name, sorted labels) -> value, from the worker's /metrics over HTTP."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as reply:
        text = reply.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def values(scraped: dict, name: str, **labels) -> list[float]:
    return [v for (n, ls), v in scraped.items()
            if n == name and labels.items() <= dict(ls).items()]


def start_at_the_end(bootstrap: str, group: str, topics: list[str]) -> None:
    """Commit the topics' end offsets for a new group, so it reads only what comes after."""
    admin = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        ends = []
        for topic in topics:
            for partition in admin.list_topics(topic, timeout=10).topics[topic].partitions:
                high = admin.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)[1]
                ends.append(TopicPartition(topic, partition, high))
        admin.commit(offsets=ends, asynchronous=False)
    finally:
        admin.close()


def with_lag(scraped: dict, group: str) -> dict | None:
    return scraped if values(scraped, "kafka_consumer_lag", group=group, topic=TICKETS_RESOLVED) else None


@pytest.fixture
def pg_sessions(postgres_url_factory):
    engine = make_engine(postgres_url_factory("metrics"))
    outbox_table(sa.MetaData()).metadata.create_all(engine)
    yield session_factory(engine)
    engine.dispose()


def test_lag_while_a_batch_is_held_then_none_and_the_outbox_depth(kafka_bootstrap, unique, pg_sessions,
                                                                 wait_for):
    topic = f"metrics-{unique}"
    create_topics(kafka_bootstrap, {topic: 2})
    publisher = KafkaPublisher(kafka_bootstrap, "metrics-test")
    publisher.publish_raw([(topic, f"k{i}", f"{i}".encode()) for i in range(RECORDS)])

    gate, batches = threading.Event(), []

    def stage(records):
        if batches:
            gate.wait(60)  # the second batch waits: the lag read after the first stays visible
        with pg_sessions() as session, session.begin():
            for r in records:
                add_to_outbox(session, make_envelope("invitation.sent", {
                    "invitation_id": f"{unique}{r.partition}{r.offset:04d}", "ticket_id": "T1",
                    "at": "2026-01-05T09:00:00Z", "directorate": "Test"}, "metrics-test"))
        batches.append(len(records))

    relay = OutboxRelay(pg_sessions, publisher)
    server = metrics.start_worker_metrics(
        {"test-backlog": metrics.Backlog({("outbox", "event_outbox"): relay.pending})},
        metrics.MetricsSettings(port=0, host="127.0.0.1"))
    worker = ConsumerWorker(kafka_bootstrap, f"metrics-{unique}", [topic], stage,
                            client_id="metrics-test", max_records=4)
    stop = threading.Event()
    consuming = threading.Thread(target=worker.run, args=(stop,))
    consuming.start()
    try:
        lag = partial(values, name="kafka_consumer_lag", group=f"metrics-{unique}", topic=topic)
        held = wait_for(lambda: sum(lag(scrape(server.port))), timeout=60,
                        message="lag while the second batch is held")
        assert 0 < held <= RECORDS - batches[0]
        gate.set()
        wait_for(lambda: sum(batches) == RECORDS, timeout=60, message="every record handled")
        wait_for(lambda: lag(scrape(server.port)) == [0.0, 0.0], timeout=30, message="no lag left")
        scraped = scrape(server.port)
        assert values(scraped, "kafka_consumer_records_total", group=f"metrics-{unique}") == [RECORDS]
        assert values(scraped, "kafka_consumer_batch_duration_seconds_count",
                      group=f"metrics-{unique}") == [len(batches)]
        assert values(scraped, "outbox_pending_messages", outbox="event_outbox") == [RECORDS]
        assert values(scraped, "outbox_oldest_pending_age_seconds", outbox="event_outbox")[0] > 0
        while relay.relay():
            pass
        scraped = scrape(server.port)
        assert values(scraped, "outbox_pending_messages", outbox="event_outbox") == [0]
        assert values(scraped, "outbox_oldest_pending_age_seconds", outbox="event_outbox") == [0]
    finally:
        gate.set()
        stop.set()
        consuming.join(30)
        server.close()
        publisher.close()


def test_the_survey_worker_serves_its_metrics_on_metrics_port(kafka_bootstrap, unique, monkeypatch,
                                                              postgres_url_factory, privacy_settings,
                                                              wait_for):
    from survey_svc import bootstrap
    from survey_svc.config import Settings
    from survey_svc.entrypoints import worker as survey_worker

    port = free_port()
    monkeypatch.setenv("METRICS_PORT", str(port))
    monkeypatch.setenv("METRICS_HOST", "127.0.0.1")
    settings = Settings(webhook_secret="w", admin_token="a", reply_tag_key="r",
                        signing_key=generate_keypair()[0], kafka_bootstrap_servers=kafka_bootstrap,
                        database_url=postgres_url_factory("metrics"), smtp_port=1,
                        **privacy_settings)
    bus = bootstrap.build(settings)
    group, stop = f"metrics-{unique}", threading.Event()
    start_at_the_end(kafka_bootstrap, group, WORKER_TOPICS)  # not the shared topics' history
    running = threading.Thread(target=survey_worker.run, args=(bus, stop, group))
    running.start()
    publisher = KafkaPublisher(kafka_bootstrap, "metrics-test")
    try:
        publisher.publish_raw([(TICKETS_RESOLVED, unique, b"{not json")])
        dead = partial(values, name="dlq_messages_total", producer="survey-svc",
                       topic=TICKETS_RESOLVED, reason="not_json")
        wait_for(lambda: dead(scrape(port)) == [1.0], timeout=60, message="the dead letter counted")
        scraped = wait_for(lambda: with_lag(scrape(port), group), timeout=30,
                           message="lag of tickets.resolved read")
        assert set(values(scraped, "kafka_consumer_lag", group=group, topic=TICKETS_RESOLVED)) == {0.0}
        assert values(scraped, "kafka_consumer_records_total", group=group,
                      topic=TICKETS_RESOLVED) == [1.0]
        assert values(scraped, "outbox_pending_messages", outbox="event_outbox") == [0.0]
        assert values(scraped, "outbox_pending_messages", outbox="itsm_writebacks") == [0.0]
    finally:
        stop.set()
        running.join(60)
        publisher.close()
        bus.close()
