"""The consumer against the real broker: once per response, amendments replace, poison to the DLQ,
scored events out, two instances share the partitions."""
import threading
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from chassis.kafka import KafkaPublisher

from analysis_svc.adapters import orm
from analysis_svc.entrypoints import worker
from analysis_svc.testing import read_topic, response, start_group_at_end, topic_ends

pytestmark = pytest.mark.integration
AT = datetime(2026, 9, 15, 12, tzinfo=timezone.utc)


def _count(services, table=orm.responses, *where):
    with services.sessions() as session:
        return session.execute(select(func.count()).select_from(table).where(*where)).scalar()


def _rollup_total(services, directorate):
    with services.sessions() as session:
        return session.execute(select(func.sum(orm.rollups.c.responses)).where(
            orm.rollups.c.directorate == directorate,
            orm.rollups.c.period_kind == "month")).scalar() or 0


class Running:
    """A consumer loop in a thread, counting what it stored."""

    def __init__(self, services, group_id):
        self.stop, self.stored = threading.Event(), 0
        self.worker = worker.make_worker(services, group_id=group_id)
        handle = self.worker.handle_batch

        def counting(records):
            stored = handle(records)
            self.stored += stored
            return stored

        self.worker.handle_batch = counting
        self.thread = threading.Thread(target=self.worker.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def assigned(self) -> bool:
        return bool(self.worker.assignment())

    def close(self):
        self.stop.set()
        self.thread.join(timeout=30)


def test_stream_stores_once_replaces_amendments_and_dead_letters_poison(
        make_services, kafka_bootstrap, unique, wait_for):
    services = make_services()
    group = f"analysis-test-{unique}"
    start_group_at_end(kafka_bootstrap, group, worker.TOPICS)
    since = {topic: topic_ends(kafka_bootstrap, topic) for topic in (
        "feedback.responses.dlq", "feedback.scored", "feedback.alerts")}
    directorate = f"Dir-{unique}"
    first = response(f"r-{unique}", score=1, comment="Still not working, nobody called back",
                     directorate=directorate, submitted_at=AT)
    amended = response(f"r-{unique}", version=2, score=4, comment="Sorted in the end, thanks",
                       directorate=directorate, submitted_at=AT)
    others = [response(score=5, directorate=directorate, submitted_at=AT) for _ in range(9)]
    publisher = KafkaPublisher(kafka_bootstrap, "analysis-test")
    publisher.publish_many([first, first, *others])
    poison = f"poison-{unique}"
    running = Running(services, group)
    try:
        wait_for(lambda: _count(services) == 10, timeout=60)
        publisher.publish_raw([("feedback.responses", None, poison.encode())])
        publisher.publish_many([amended, first])
        wait_for(lambda: _count(services, orm.responses, orm.responses.c.version == 2) == 1,
                 timeout=60)
    finally:
        running.close()
    assert _rollup_total(services, directorate) == 10
    with services.sessions() as session:
        row = session.execute(select(orm.responses).where(
            orm.responses.c.response_id == f"r-{unique}")).mappings().one()
    assert (row["score"], row["label"]) == (4, "positive")
    dlq = read_topic(kafka_bootstrap, "feedback.responses.dlq", lambda e: e.data["value"] == poison,
                     since["feedback.responses.dlq"])
    assert len(dlq) == 1 and dlq[0].data["rejected_by"] == "analysis-svc"
    scored = read_topic(kafka_bootstrap, "feedback.scored",
                        lambda e: e.data["response_id"] == f"r-{unique}", since["feedback.scored"])
    assert {e.data["version"] for e in scored} == {1, 2}
    detractors = read_topic(kafka_bootstrap, "feedback.alerts",
                            lambda e: e.data.get("response_id") == f"r-{unique}",
                            since["feedback.alerts"])
    assert len(detractors) == 1 and detractors[0].key == directorate


def test_two_instances_share_the_partitions(make_services, kafka_bootstrap, unique, wait_for):
    a, b = make_services(), make_services()
    group = f"analysis-test-{unique}"
    start_group_at_end(kafka_bootstrap, group, worker.TOPICS)
    directorate = f"Dir-{unique}"
    one, two = Running(a, group), Running(b, group)
    try:
        wait_for(lambda: one.assigned() and two.assigned(), timeout=60)
        events = [response(score=4, directorate=directorate, submitted_at=AT,
                           invitation_id=uuid.uuid4().hex) for _ in range(120)]
        KafkaPublisher(kafka_bootstrap, "analysis-test").publish_many(events)
        wait_for(lambda: _count(a, orm.responses, orm.responses.c.directorate == directorate) == 120,
                 timeout=90)
    finally:
        one.close()
        two.close()
    assert _rollup_total(a, directorate) == 120
    assert one.stored > 0 and two.stored > 0 and one.stored + two.stored >= 120
