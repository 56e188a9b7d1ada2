"""An answer's extra questions, checked against the question set its invitation was sent with."""
from contracts.questions import check_answers


class ExtraAnswersRefused(Exception):
    """Answers to questions the invitation's set does not ask, or out of their range."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("The answers do not fit the invitation's questions.")
        self.errors = errors


def question_set_of(inv, uow) -> str | None:
    """The invitation's set: on a checked claim already, else one primary-key read."""
    if inv.question_set or not inv.invitation_id:
        return inv.question_set
    known = uow.invitations.get(inv.invitation_id)
    return known.question_set if known is not None else None


def extra_answers(inv, answer, uow, question_sets) -> tuple[str | None, list, dict]:
    """(set reference, [{question_id, value}], {question_id: short text}) or ExtraAnswersRefused
    whose errors name each answer as answers.<question_id>."""
    ref = question_set_of(inv, uow)
    if not answer.given:
        return ref, [], {}
    ids = [qid for qid, _ in answer.given]
    if len(ids) != len(set(ids)):  # a rule between items, which the API's schema cannot say
        raise ExtraAnswersRefused({"answers": ["Each question may be answered once."]})
    qset = question_sets.get(ref) if question_sets is not None else None
    answers, texts, errors = check_answers(qset, dict(answer.given))
    if errors:
        raise ExtraAnswersRefused({f"answers.{qid}": messages for qid, messages in errors.items()})
    return ref, answers, texts
