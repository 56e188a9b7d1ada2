"""Every event the service emits round-trips through the contracts codec unchanged."""
from datetime import datetime, timezone

from chassis.testing import FakePublisher
from contracts.envelope import decode, encode

from analysis_svc.bootstrap import bootstrap
from analysis_svc.config import Settings
from analysis_svc.testing import record, response

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


def test_every_event_the_service_emits_is_valid_under_its_contract(tmp_path, analyser):
    services = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}"),
                         analyser=analyser, publisher=FakePublisher(), clock=lambda: NOW)
    consumer = services.consumer()
    before = datetime(2026, 10, 1, tzinfo=timezone.utc)
    consumer.handle_batch([record(response(score=5, submitted_at=before)) for _ in range(10)])
    consumer.handle_batch([record(response(score=1, comment="bad", submitted_at=NOW))
                           for _ in range(10)])
    emitted = services.publisher.published
    assert {e.event_type for e in emitted} == {"response.scored", "alert.detractor",
                                               "alert.significant_drop"}
    for envelope in emitted:
        strict = decode(encode(envelope))  # raises InvalidEvent if off-contract
        assert strict.event_id == envelope.event_id and strict.data == envelope.data
    services.close()
