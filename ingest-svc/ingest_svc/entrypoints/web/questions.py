"""The survey page's extra questions: those of the question set the invitation was sent with."""
from dataclasses import replace

from flask import current_app
from flask_babel import get_locale

from contracts.questions import MAX_TEXT_ANSWER, check_answers
from ingest_svc.domain.model import InvalidAnswer, make_answer
from ingest_svc.service_layer.questions import question_set_of

# The ends of the two scales, in the page's language (the set's wording is the operator's).
_ENDS = {"nps": {"en": ("0 - not at all likely", "10 - extremely likely"),
                 "cy": ("0 - ddim yn debygol o gwbl", "10 - yn debygol iawn")},
         "ces": {"en": ("1 - very difficult", "7 - very easy"),
                 "cy": ("1 - anodd iawn", "7 - hawdd iawn")}}


def question_set(invitation):
    """The invitation's set (survey-svc told us which, on invitation.created), or None."""
    bus = current_app.extensions["bus"]
    with bus.uow_factory() as uow:
        ref = question_set_of(invitation, uow)
    return bus.question_sets.get(ref)


def for_page(invitation) -> list[dict]:
    """Each extra question as the template shows it, in the page's language."""
    qset, language = question_set(invitation), str(get_locale() or "en")
    if qset is None:
        return []
    shown = []
    for q in qset.questions:
        choices = ([(str(v), str(v)) for v in range(q.scale[0], q.scale[1] + 1)] if q.scale
                   else [(o.id, o.label.get(language) or o.label["en"]) for o in q.options])
        ends = _ENDS.get(q.type, {}).get(language) or _ENDS.get(q.type, {}).get("en")
        shown.append({"id": q.id, "type": q.type, "label": q.text(language), "choices": choices,
                      "hint": " / ".join(ends) if ends else None, "name": f"q_{q.id}",
                      "max_length": MAX_TEXT_ANSWER})
    return shown


def anchors(questions: list[dict]) -> dict[str, str]:
    """Where the error summary links for each extra question."""
    return {f"answers.{q['id']}": f"q-{q['id']}" + (f"-{q['choices'][0][0]}" if q["choices"] else "")
            for q in questions}


def answer_from(form, invitation):
    """The default questions' answer with the extra ones given; InvalidAnswer names every problem."""
    qset = question_set(invitation)
    given = {q.id: form.get(f"q_{q.id}") for q in qset.questions} if qset else {}
    given = {qid: value for qid, value in given.items() if value not in (None, "")}
    problems = {f"answers.{qid}": messages
                for qid, messages in check_answers(qset, given)[2].items()} if given else {}
    try:
        answer = make_answer(form.get("score"), form.get("resolved"), form.get("comment"))
    except InvalidAnswer as err:
        raise InvalidAnswer({**err.errors, **problems}) from None
    if problems:
        raise InvalidAnswer(problems)
    return replace(answer, given=tuple(given.items()))
