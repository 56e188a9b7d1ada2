"""Answers, invitations and responses: the rules, in plain Python."""
from dataclasses import dataclass, field
from datetime import datetime

SCORE_LABELS = {
    1: "Very dissatisfied",
    2: "Dissatisfied",
    3: "Neither satisfied nor dissatisfied",
    4: "Satisfied",
    5: "Very satisfied",
}
RESOLVED_LABELS = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}
MAX_COMMENT = 1200


class InvalidAnswer(ValueError):
    """An answer that breaks a rule; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("invalid answer")
        self.errors = errors


@dataclass(frozen=True)
class Cohort:
    directorate: str
    service: str | None = None
    category: str | None = None
    team: str | None = None
    organisation: str | None = None  # #17: the ticket's organisation id, when it had one


@dataclass(frozen=True)
class Invitation:
    """Who was asked; `invitation_id` is None for an API answer that names no invitation.
    `invitee` is the keyed hash of the invited address, `closed` why survey-svc closed it."""

    invitation_id: str | None
    cohort: Cohort
    ticket_id: str | None = None
    ticket_channel: str | None = None
    language: str = "en"
    expires_at: datetime | None = None
    invitee: str | None = None
    closed: str | None = None
    question_set: str | None = None  # "<name>@<version>"; None: the default questions

    def why_closed(self, now: datetime) -> str | None:
        """Why this invitation no longer takes answers ("invitation expired"...), or None."""
        if self.closed:
            return f"invitation {self.closed}"
        if self.expires_at is not None and self.expires_at <= now:
            return "invitation expired"
        return None


CLAIMED_FIELDS = ("directorate", "service", "category", "team", "ticket_id")


def claim_errors(claim: Invitation, known: Invitation | None, now: datetime) -> dict[str, list[str]]:
    """What is wrong with a caller's claim to answer for an invitation: unknown or closed, or a
    cohort field given that differs from the invitation's (the invitation's always wins)."""
    if known is None:
        return {"invitation_id": ["Unknown invitation."]}
    closed = known.why_closed(now)
    if closed:
        return {"invitation_id": [closed[0].upper() + closed[1:] + "."]}
    errors = {}
    for name in CLAIMED_FIELDS:
        given, actual = _claimed(claim, name), _claimed(known, name)
        if given is not None and given != actual:
            errors[name] = ["Differs from the invitation's; leave it out, the invitation's is used."]
    return errors


def _claimed(invitation: Invitation, name: str):
    return invitation.ticket_id if name == "ticket_id" else getattr(invitation.cohort, name)


@dataclass(frozen=True)
class Answer:
    score: int
    resolved: str | None = None
    comment: str | None = None
    # The question set's extra questions, as given: (question_id, value) pairs, checked against
    # the invitation's set when recorded (service_layer.questions).
    given: tuple[tuple[str, object], ...] = ()


def parse_score(raw) -> int | None:
    """A score 1..5 from form or query text; None when it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw in SCORE_LABELS else None
    if isinstance(raw, str) and raw.strip() in {"1", "2", "3", "4", "5"}:
        return int(raw.strip())
    return None


def make_answer(score, resolved=None, comment=None) -> Answer:
    """Validate raw answer fields; raises InvalidAnswer with every problem found."""
    errors: dict[str, list[str]] = {}
    value = parse_score(score)
    if value is None:
        errors["score"] = ["Select how satisfied you are, from 1 to 5."]
    resolved = resolved or None
    if resolved is not None and resolved not in RESOLVED_LABELS:
        errors["resolved"] = ["Select yes, no or not sure."]
    comment = comment if comment else None
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = ["Comment must be text."]
    elif comment is not None and len(comment) > MAX_COMMENT:
        errors["comment"] = [f"Comment must be {MAX_COMMENT:,} characters or fewer."]
    if errors:
        raise InvalidAnswer(errors)
    return Answer(value, resolved, comment)


@dataclass
class Response:
    """One person's answer to one invitation (or one API submission), across versions."""

    response_id: str
    version: int
    invitation_id: str | None = None
    history: list[Answer] = field(default_factory=list)

    def amend(self, answer: Answer) -> int:
        self.version += 1
        self.history.append(answer)
        return self.version
