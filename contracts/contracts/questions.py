"""Question sets: the questions a survey asks beyond CSAT 1-5, "resolved?" and the comment.

One JSON file (QUESTION_SETS_FILE) lists every version of every set, old ones kept so that an
invitation sent with version 1 is still rendered and checked against version 1:

    {"sets": [{"name": "digital", "version": 2,
               "directorate": "Digital", "service": null,
               "questions": [
                 {"id": "nps", "type": "nps", "label": {"en": "...", "cy": "..."}},
                 {"id": "ces", "type": "ces", "label": {"en": "...", "cy": "..."}},
                 {"id": "channel", "type": "choice", "label": {...},
                  "options": [{"id": "phone", "label": {"en": "Phone", "cy": "Ffôn"}}]},
                 {"id": "improve", "type": "text", "label": {...}}]}]}

The NPS and CES questions keep the ids "nps" and "ces", so analysis-svc finds them without the file.
An invitation records the reference "<name>@<version>" (contracts.questions.reference).
"""
import re
from dataclasses import dataclass, field

from marshmallow import ValidationError

LANGUAGES = ("en", "cy")
SCALES = {"nps": (0, 10), "ces": (1, 7)}
KINDS = ("nps", "ces", "choice", "text")
MAX_CUSTOM = 3
MAX_TEXT_ANSWER = 300
RESERVED_IDS = {"score", "resolved", "comment", "language", "token"}
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class QuestionSetError(ValueError):
    """A question set the operator must fix; the message names the set and the problem."""


@dataclass(frozen=True)
class Option:
    id: str
    label: dict[str, str]


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: dict[str, str]
    options: tuple[Option, ...] = ()

    def text(self, language: str) -> str:
        return self.label.get(language) or self.label["en"]

    @property
    def scale(self) -> tuple[int, int] | None:
        return SCALES.get(self.type)


@dataclass(frozen=True)
class QuestionSet:
    name: str
    version: int
    directorate: str | None = None
    service: str | None = None
    questions: tuple[Question, ...] = field(default_factory=tuple)
    # Optional (#17): the organisation (contracts.organisations id) it is for; None, any.
    organisation: str | None = None

    @property
    def reference(self) -> str:
        return reference(self.name, self.version)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def reference(name: str, version: int) -> str:
    return f"{name}@{version}"


def check_answers(qset: QuestionSet | None, given: dict[str, object]) -> tuple[list, dict, dict]:
    """(answers [{question_id, value}], short texts {question_id: text}, errors {id: [message]})
    for the extra questions' answers; blank ones are skipped (every extra question is optional)."""
    from contracts.text import FREE_TEXT
    answers, texts, errors = [], {}, {}
    for qid, value in given.items():
        question = qset.question(qid) if qset else None
        if question is None:
            errors[qid] = ["Not a question of this survey."]
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        problem = _problem(question, value, FREE_TEXT)
        if problem:
            errors[qid] = [problem]
        elif question.type == "text":
            texts[qid] = value.strip()
        else:
            answers.append({"question_id": qid, "value": _value(question, value)})
    return answers, texts, errors


def _value(question: Question, value):
    return int(value) if question.scale else value


def _problem(question: Question, value, free_text) -> str | None:
    if question.scale:
        low, high = question.scale
        whole = value if type(value) is int else (
            int(value) if isinstance(value, str) and value.strip().isdigit() else None)
        if whole is None or not low <= whole <= high:
            return f"Must be a whole number from {low} to {high}."
        return None
    if not isinstance(value, str):
        return "Must be a string."
    if question.type == "choice":
        ids = [o.id for o in question.options]
        return None if value in ids else f"Must be one of: {', '.join(ids)}."
    if len(value) > MAX_TEXT_ANSWER:
        return f"Longer than {MAX_TEXT_ANSWER} characters."
    try:
        free_text(value)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None
