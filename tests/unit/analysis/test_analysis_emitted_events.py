"""Every event the service emits round-trips through the contracts codec unchanged."""
from datetime import datetime, timezone

from chassis.testing import FakeClock, FakePublisher
from contracts.envelope import decode, encode

from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import record, response

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


def test_every_event_the_service_emits_is_valid_under_its_contract(tmp_path, analyser):
    services = build(Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}"),
                         analyser=analyser, publisher=FakePublisher(), clock=FakeClock(NOW))
    before = datetime(2026, 10, 1, tzinfo=timezone.utc)
    handle_records(services, [record(response(score=5, submitted_at=before)) for _ in range(10)])
    handle_records(services, [record(response(score=1, comment="bad", submitted_at=NOW))
                           for _ in range(10)])
    emitted = services.publisher.published
    assert {e.event_type for e in emitted} == {"response.scored", "alert.detractor",
                                               "alert.significant_drop"}
    for envelope in emitted:
        strict = decode(encode(envelope))  # raises InvalidEvent if off-contract
        assert strict.event_id == envelope.event_id and strict.data == envelope.data
    services.close()


def test_events_built_without_validation_are_exactly_what_the_schema_loads(tmp_path, analyser):
    """_scored and _detractor skip make_envelope's load: their data must be load-stable."""
    from contracts.registry import schema_for
    services = build(Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}"),
                         analyser=analyser, publisher=FakePublisher(), clock=FakeClock(NOW))
    comments = [None, "", "   ", "bad", "good and quick", "x" * 1200, "Awful! ring 07700 900123",
                "Still not working, nobody called back, took ages"]
    batch = [record(response(score=score, comment=comment, service=service, team=team,
                             invitation_id=invitation, submitted_at=NOW))
             for score in (1, 2, 3, 5) for comment in comments
             for service, team, invitation in ((None, None, None), ("Email", "Desk", "inv-1"))]
    handle_records(services, batch)
    emitted = [e for e in services.publisher.published
               if e.event_type in ("response.scored", "alert.detractor")]
    assert len(emitted) > len(batch)
    for envelope in emitted:
        loaded = schema_for(envelope.event_type).load(envelope.data, unknown="raise")
        assert loaded == envelope.data
        assert [type(v) for v in loaded.values()] == [type(envelope.data[k]) for k in loaded]
    services.close()
