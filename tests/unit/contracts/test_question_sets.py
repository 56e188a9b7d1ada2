"""Question sets: the file is checked with messages that name the problem; answers against a set."""
import copy
import json
from pathlib import Path

import pytest

from contracts.question_sets import load_catalogue, parse_catalogue, parse_set
from contracts.questions import QuestionSetError, check_answers

FILE = Path(__file__).parents[2] / "fixtures" / "question_sets.json"
RAW = json.loads(FILE.read_text())


def _set(**changes):
    raw = copy.deepcopy(RAW["sets"][1])
    raw.update(changes)
    return raw


def test_the_sample_file_loads_every_version():
    catalogue = load_catalogue(str(FILE))
    assert len(catalogue) == 2
    assert [q.id for q in catalogue.get("digital@1").questions] == ["nps"]


def test_the_newest_version_of_the_matching_set_is_chosen():
    catalogue = load_catalogue(str(FILE))
    assert catalogue.for_ticket("Digital", "Email").reference == "digital@2"
    assert catalogue.for_ticket("Housing", "Email") is None


def test_a_service_set_beats_its_directorate_set():
    narrow = _set(name="email", version=1, service="Email")
    catalogue = parse_catalogue({"sets": [RAW["sets"][1], narrow]})
    assert catalogue.for_ticket("Digital", "Email").reference == "email@1"
    assert catalogue.for_ticket("Digital", "Phones").reference == "digital@2"


def test_no_file_means_the_default_questions_only():
    assert load_catalogue(None).for_ticket("Digital", None) is None


@pytest.mark.parametrize("change,message", [
    (lambda s: s["questions"].append(copy.deepcopy(s["questions"][2])),
     "question set digital@2: duplicate question id 'contact'"),
    (lambda s: s["questions"][2]["label"].update(cy="  "),
     "question set digital@2 question 'contact': empty label (cy)"),
    (lambda s: s["questions"][3]["label"].update(fr="Une chose"),
     "question set digital@2 question 'improve': unknown language 'fr' (known: en, cy)"),
    (lambda s: s["questions"][2]["options"].append({"id": "phone", "label": {"en": "P", "cy": "P"}}),
     "question set digital@2 question 'contact': duplicate option id 'phone'"),
    (lambda s: s["questions"][0].update(id="recommend"),
     "question set digital@2 question 'recommend': a nps question must have the id 'nps'"),
    (lambda s: s["questions"].extend({"id": f"q{i}", "type": "text",
                                      "label": {"en": "x", "cy": "y"}} for i in range(2)),
     "question set digital@2: at most 3 custom questions, 4 given"),
    (lambda s: s["questions"][3].update(id="comment"), "bad question id 'comment'"),
    (lambda s: s["questions"][3].update(type="slider"), "unknown type 'slider'"),
])
def test_a_bad_set_is_refused_with_a_message_naming_the_problem(change, message):
    raw = _set()
    change(raw)
    with pytest.raises(QuestionSetError) as caught:
        parse_set(raw)
    assert message in str(caught.value)


def test_the_same_version_twice_is_refused():
    with pytest.raises(QuestionSetError, match="digital@2: defined twice"):
        parse_catalogue({"sets": [RAW["sets"][1], RAW["sets"][1]]})


def test_an_unreadable_file_is_named():
    with pytest.raises(QuestionSetError, match="question sets file /nowhere.json"):
        load_catalogue("/nowhere.json")


def test_answers_are_checked_against_the_set():
    qset = parse_set(_set())
    answers, texts, errors = check_answers(qset, {"nps": "9", "ces": 6, "contact": "phone",
                                                  "improve": " Faster replies\r\n"})
    assert errors == {}
    assert answers == [{"question_id": "nps", "value": 9}, {"question_id": "ces", "value": 6},
                       {"question_id": "contact", "value": "phone"}]
    assert texts == {"improve": "Faster replies"}


def test_blank_answers_are_skipped_and_bad_ones_named():
    qset = parse_set(_set())
    answers, _, errors = check_answers(qset, {"nps": "", "ces": "8", "contact": "fax",
                                              "other": "x", "improve": "a\x00b"})
    assert answers == []
    assert errors["ces"] == ["Must be a whole number from 1 to 7."]
    assert errors["contact"] == ["Must be one of: phone, portal, email."]
    assert errors["other"] == ["Not a question of this survey."]
    assert "control characters" in errors["improve"][0]


def test_without_a_set_any_extra_answer_is_refused():
    assert check_answers(None, {"nps": 9})[2] == {"nps": ["Not a question of this survey."]}


def test_three_longest_short_texts_fit_the_event_once_escaped():
    import json as _json

    from contracts.events.responses import MAX_TEXT_ANSWERS
    from contracts.questions import MAX_TEXT_ANSWER
    texts = {f"question_{i:031d}": '"\\\n' * (MAX_TEXT_ANSWER // 3) for i in range(3)}
    assert len(_json.dumps(texts, ensure_ascii=False)) <= MAX_TEXT_ANSWERS
