"""The transactional outbox on SQLite and PostgreSQL, relayed to a real broker."""
import threading

import pytest
import sqlalchemy as sa

from chassis.db import make_engine, session_factory
from chassis.kafka import ConsumerWorker, KafkaPublisher
from chassis.outbox import OutboxRelay, add_to_outbox, outbox_table
from contracts.envelope import decode, make_envelope
from contracts.topics import SURVEYS_LIFECYCLE

pytestmark = pytest.mark.integration


def created(run, i):
    return make_envelope("invitation.sent", {
        "invitation_id": f"{run}{i:04d}", "ticket_id": "T1", "at": "2026-01-05T09:00:00Z",
        "directorate": "Test"}, "test")


def test_only_committed_events_are_relayed(db_url, kafka_bootstrap, unique, wait_for):
    engine = make_engine(db_url)
    outbox_table(sa.MetaData()).metadata.create_all(engine)
    sessions = session_factory(engine)
    with sessions() as session, session.begin():
        for i in range(5):
            add_to_outbox(session, created(unique, i))
    with pytest.raises(RuntimeError), sessions() as session, session.begin():
        add_to_outbox(session, created(unique, 99))
        raise RuntimeError("rolled back")

    publisher = KafkaPublisher(kafka_bootstrap, "test")
    relay = OutboxRelay(sessions, publisher)
    assert relay.relay() == 5
    assert relay.relay() == 0

    seen = []
    worker = ConsumerWorker(kafka_bootstrap, f"g-{unique}", [SURVEYS_LIFECYCLE],
                            lambda rs: seen.extend(decode(r.value).data["invitation_id"]
                                                   for r in rs if unique.encode() in r.value),
                            client_id="t")
    worker.subscribe()
    wait_for(lambda: worker.poll_once() is not None and len(seen) >= 5, timeout=60)
    worker.close()
    assert sorted(seen) == [f"{unique}{i:04d}" for i in range(5)]
    publisher.close()
    engine.dispose()


def test_relay_keeps_events_when_the_broker_is_away(db_url):
    engine = make_engine(db_url)
    outbox_table(sa.MetaData()).metadata.create_all(engine)
    sessions = session_factory(engine)
    with sessions() as session, session.begin():
        add_to_outbox(session, created("away", 1))
    relay = OutboxRelay(sessions, KafkaPublisher("127.0.0.1:1", "t", timeout_s=1))
    stop = threading.Event()
    with pytest.raises(Exception):
        relay.relay()
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from event_outbox where published_at is null")).scalar() == 1
    stop.set()
    engine.dispose()
