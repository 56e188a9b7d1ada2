"""An answer's extra questions are checked against its invitation's question set."""
import json
from pathlib import Path

import pytest

from contracts.question_sets import parse_catalogue
from ingest_svc.domain.model import Answer, Cohort, Invitation
from ingest_svc.service_layer.questions import ExtraAnswersRefused, extra_answers

SETS = parse_catalogue(json.loads(
    (Path(__file__).parents[2] / "fixtures" / "question_sets.json").read_text()))


class KnownInvitations:
    def __init__(self, *known):
        self.known = {inv.invitation_id: inv for inv in known}

    def get(self, invitation_id):
        return self.known.get(invitation_id)


class FakeUow:
    def __init__(self, *known):
        self.invitations = KnownInvitations(*known)


def _invitation(question_set=None):
    return Invitation("a" * 32, Cohort("Digital"), question_set=question_set)


def test_a_page_answer_is_checked_against_the_set_the_invitation_was_sent_with():
    uow = FakeUow(_invitation("digital@2"))
    answer = Answer(4, given=(("nps", "10"), ("contact", "portal"), ("improve", "Faster")))
    assert extra_answers(_invitation(), answer, uow, SETS) == (
        "digital@2", [{"question_id": "nps", "value": 10},
                      {"question_id": "contact", "value": "portal"}], {"improve": "Faster"})


def test_an_old_version_only_takes_its_own_questions():
    uow = FakeUow(_invitation("digital@1"))
    with pytest.raises(ExtraAnswersRefused) as refused:
        extra_answers(_invitation(), Answer(4, given=(("ces", 5),)), uow, SETS)
    assert refused.value.errors == {"answers.ces": ["Not a question of this survey."]}


def test_a_question_answered_twice_is_refused():
    with pytest.raises(ExtraAnswersRefused) as refused:
        extra_answers(_invitation("digital@2"), Answer(4, given=(("nps", 1), ("nps", 2))),
                      FakeUow(), SETS)
    assert refused.value.errors == {"answers": ["Each question may be answered once."]}


def test_no_extra_answers_still_records_the_set():
    assert extra_answers(_invitation("digital@2"), Answer(4), FakeUow(), SETS) == \
        ("digital@2", [], {})
