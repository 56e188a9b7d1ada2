"""Broker down: 500 answers spooled while Kafka is stopped all arrive once, in order, after."""
import uuid
from collections import defaultdict

import pytest

from devkit.testing import wait_for

from ingest_svc.app import create_app
from ingest_svc.bootstrap import build
from ingest_svc.domain import commands
from ingest_svc.domain.model import Cohort, Invitation

from .ingest_support import dedupe, read_all

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_500_answers_survive_a_stopped_broker(private_broker, make_settings, tmp_path):
    broker = private_broker()
    settings = make_settings(f"sqlite:///{tmp_path / 'ingest.db'}", broker.bootstrap, ack_timeout_s=1.0)
    bus = build(settings)
    client = create_app(bus).test_client()
    invitations = [uuid.uuid4().hex for _ in range(100)]
    for inv in invitations:  # survey-svc announced them: API answers name known invitations only
        bus.handle(commands.RecordInvitation(Invitation(inv, Cohort("Resources"))))
    headers = {"Authorization": "Bearer kiosk-token"}
    try:
        broker.stop()
        deliveries = []
        for version in range(1, 6):
            for inv in invitations:  # interleaved, as real traffic would be
                response = client.post("/v1/responses", headers=headers, json={
                    "score": version, "directorate": "Resources", "invitation_id": inv})
                assert response.status_code == 202
                assert response.json["version"] == version
                deliveries.append(response.json["delivery"])
        assert deliveries == ["spooled"] * 500 and bus.spool.count() == 500
        broker.start()
        bus.flusher.start(interval_s=0.2)
        wait_for(lambda: bus.spool.count() == 0, timeout=90, message="spool drained")
    finally:
        bus.close()
    raw = read_all(broker.bootstrap, 500)
    events = dedupe(raw)
    assert len(events) == 500
    versions = defaultdict(list)
    for event in events:
        versions[event.data["invitation_id"]].append(event.data["version"])
    assert set(versions) == set(invitations)
    assert all(v == [1, 2, 3, 4, 5] for v in versions.values())
    assert all(e.key == e.data["invitation_id"] for e in events)
