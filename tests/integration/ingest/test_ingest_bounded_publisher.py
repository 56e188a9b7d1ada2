"""BoundedPublisher: a message not confirmed within the bound is dropped, never delivered late."""
import uuid

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from chassis.kafka import PublishError
from devkit.testing import wait_for

from ingest_svc.adapters.delivery import BoundedPublisher

pytestmark = [pytest.mark.integration, pytest.mark.slow]
TOPIC = "feedback.responses"


def values_for(bootstrap: str, key: bytes, last: bytes) -> list[bytes]:
    """The values sent with `key`, in partition order, once `last` is among them."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": uuid.uuid4().hex,
                         "enable.auto.commit": False})
    partitions = consumer.list_topics(TOPIC, timeout=30).topics[TOPIC].partitions
    consumer.assign([TopicPartition(TOPIC, p, OFFSET_BEGINNING) for p in partitions])
    seen = []
    try:
        wait_for(lambda: seen.extend(m.value() for m in consumer.consume(500, 0.5)
                                     if m.error() is None and m.key() == key) or last in seen,
                 timeout=60, message=f"{last!r} read back")
    finally:
        consumer.close()
    return seen


def test_a_message_that_missed_the_bound_is_purged_not_delivered_late(private_broker):
    broker = private_broker()
    publisher = BoundedPublisher(broker.bootstrap, "ingest-test", ack_bound_s=1.0)
    try:
        # a fresh broker may take longer than the bound to hand out a producer id
        wait_for(lambda: publisher.publish_raw([(TOPIC, "k", b"before")]) is None, timeout=60,
                 message="published to the fresh broker")
        broker.stop()
        with pytest.raises(PublishError):
            publisher.publish_raw([(TOPIC, "k", b"missed")])
        broker.start()
        wait_for(lambda: publisher.publish_raw([(TOPIC, "k", b"after")]) is None, timeout=60,
                 message="published again once the broker is back")
    finally:
        publisher.close()
    values = values_for(broker.bootstrap, b"k", b"after")
    assert b"before" in values and b"missed" not in values and values[-1] == b"after"
