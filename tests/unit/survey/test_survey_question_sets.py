"""An invitation records the question set it is sent with; invitation.created carries it."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from chassis.testing import FakeClock, FakePublisher
from chassis.tokens import generate_keypair
from contracts.envelope import decode
from contracts.questions import QuestionSetError
from survey_svc.adapters.orm import metadata
from survey_svc.bootstrap import build
from survey_svc.config import Settings
from survey_svc.domain.commands import ResolveTicket
from survey_svc.domain.model import Ticket

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
KEYS = generate_keypair()
SETS = Path(__file__).parents[2] / "fixtures" / "question_sets.json"


def _settings(tmp_path, sets) -> Settings:
    return Settings(webhook_secret="w", admin_token="a", reply_tag_key="r", signing_key=KEYS[0],
                    database_url=f"sqlite:///{tmp_path / 'survey.db'}", question_sets_file=sets)


@pytest.fixture
def bus(tmp_path):
    bus = build(_settings(tmp_path, str(SETS)), publisher=FakePublisher(), clock=FakeClock(NOW),
                mailers=())
    yield bus
    bus.close()


def _created(bus) -> list:
    outbox = metadata.tables["event_outbox"]
    with bus.engine.connect() as conn:
        return [decode(row.payload) for row in conn.execute(select(outbox.c.payload))]


@pytest.mark.parametrize("directorate,expected", [("Digital", "digital@2"),
                                                  ("Adult Social Care", None)])
def test_the_invitation_records_the_newest_matching_set(bus, directorate, expected):
    ticket = Ticket("INC-1", 1, NOW - timedelta(days=1), "req-1", "pat@example.org", "Pat",
                    directorate, service="Email")
    outcome = bus.handle(ResolveTicket(ticket))
    with bus.uow_factory() as uow:
        assert uow.invitations.get(outcome.invitation_id).question_set == expected
    [created] = _created(bus)
    assert created.data["question_set"] == expected


def test_a_bad_question_sets_file_stops_start_up_naming_the_problem(tmp_path):
    bad = tmp_path / "sets.json"
    bad.write_text('{"sets": [{"name": "x", "version": 1, "directorate": "D", "questions": ['
                   '{"id": "a", "type": "text", "label": {"en": "A", "cy": ""}}]}]}')
    with pytest.raises(QuestionSetError, match=r"question set x@1 question 'a': empty label \(cy\)"):
        build(_settings(tmp_path, str(bad)), publisher=FakePublisher(), mailers=())
