"""bootstrap.build with fakes wires a bus that runs commands end to end."""
from datetime import datetime, timedelta, timezone

import pytest

from chassis.testing import FakeClock, FakePublisher

from analysis_svc import read_model
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import ConsumeBatch, IssueToken, MarkFollowedUp, RevokeToken
from analysis_svc.service_layer.auth import token_hash
from analysis_svc.service_layer.handlers import NotFound
from analysis_svc.testing import FakeAnalyser, record, response

NOW = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)


@pytest.fixture
def bus(tmp_path):
    bus = build(Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}"), publisher=FakePublisher(),
                clock=FakeClock(NOW), analyser=FakeAnalyser())
    yield bus
    bus.close()


def test_a_consumed_batch_is_stored_scored_and_published(bus):
    stored = bus.handle(ConsumeBatch([record(response("r1", score=1, comment="bad and slow",
                                                      directorate="Adults"))]))
    assert stored == 1
    with bus.sessions() as db:
        [queued] = read_model.detractor_queue(db, {"Adults"})
    assert (queued["response_id"], queued["score"]) == ("r1", 1)
    [scored] = bus.publisher.of_type("response.scored")
    assert scored.data["label"] == "negative" and scored.data["themes"] == ["speed"]
    assert bus.publisher.of_type("alert.detractor")[0].data["raised_at"] == NOW


def test_a_follow_up_is_recorded_at_the_bus_clock_within_scope(bus):
    bus.handle(ConsumeBatch([record(response("r1", score=1, directorate="Adults",
                                             submitted_at=NOW - timedelta(hours=5)))]))
    with pytest.raises(NotFound):
        bus.handle(MarkFollowedUp("r1", "Rang them", "Children partner", frozenset({"Children"})))
    done = bus.handle(MarkFollowedUp("r1", "Rang them", "Adults partner", frozenset({"Adults"})))
    assert (done.followed_up_at, done.hours_taken) == (NOW, 5.0)
    with bus.sessions() as db:
        [row] = read_model.detractor_queue(db, None, done=True)
    assert (row["note"], row["followed_up_by"]) == ("Rang them", "Adults partner")


def test_issued_tokens_open_their_scope_until_revoked(bus):
    token = bus.handle(IssueToken(("Adults",), "BP", None))
    assert token.startswith("pt_")
    assert bus.tokens.lookup(token_hash(token)) == {"Adults"}
    [listed] = bus.tokens.listing()
    assert bus.handle(RevokeToken(listed["id"])) and not bus.handle(RevokeToken(listed["id"]))
    assert bus.tokens.lookup(token_hash(token)) is None
