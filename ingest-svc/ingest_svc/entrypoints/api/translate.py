"""An API answer (as the schema loaded it) into the command that records it."""
from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer, Cohort, Invitation


def to_command(body: dict, source: str, key: str | None) -> commands.SubmitSourceAnswer:
    cohort = Cohort(body["directorate"], body["service"], body["category"], body["team"])
    invitation = Invitation(body["invitation_id"], cohort, body["ticket_id"], None,
                            body["language"])
    given = tuple((item["question_id"], item["value"]) for item in body.get("answers") or ())
    answer = Answer(body["score"], body["resolved"], body["comment"], given)
    return commands.SubmitSourceAnswer(invitation, answer, body["channel"] or source, f"api:{source}", key)
