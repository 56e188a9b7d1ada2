"""Subject access: one document of everything every service holds about a person."""
from dataclasses import dataclass

PEERS = ("ingest-svc", "analysis-svc")  # asked over their admin APIs, never over Kafka


@dataclass(frozen=True)
class AnswerSubjectAccess:
    """Gather what every service holds about the person with this email and/or requester id."""

    email: str | None
    requester_id: str | None
    actor: str


class PeerUnavailable(Exception):
    """A service did not give its part; the message says why (no personal data in it)."""


@dataclass(frozen=True)
class Missing:
    """A service whose part is not in the document, and why."""

    service: str
    reason: str


def document(request: dict, parts: dict[str, dict | None], missing: list[Missing],
             generated_at) -> dict:
    """The answer: complete only when every service gave its part."""
    return {"generated_at": generated_at, "request": request, "complete": not missing,
            "missing": [{"service": m.service, "reason": m.reason} for m in missing],
            "services": parts}
