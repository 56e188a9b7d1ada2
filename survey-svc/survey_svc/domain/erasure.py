"""Erasure on request: what survey-svc stops for an erased person, and how far a request got."""
from dataclasses import dataclass, field

from survey_svc.domain.model import SENT, Invitation

SERVICES = ("survey-svc", "ingest-svc", "analysis-svc")
PENDING, COMPLETED = "pending", "completed"
# What an erased invitation's requester id reads: the same for everyone, so it links nobody.
ERASED = "erased"


@dataclass
class Person:
    """Everything survey-svc knows that identifies one person: found from an email or an id."""

    emails: set[str] = field(default_factory=set)
    requester_ids: set[str] = field(default_factory=set)
    invitation_ids: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)  # address hashes intake matched them by


def stop_contact(invitation: Invitation, now) -> bool:
    """No more mail to an erased person: a pending invitation is cancelled (announced, so
    ingest-svc closes its links), a sent one is never reminded."""
    if invitation.cancel("erased on request", now):
        return True
    if invitation.status == SENT and invitation.remind_at is not None:
        invitation.remind_at = None
        return True
    return False


def overall_status(progress: dict[str, str]) -> str:
    """completed once every service has finished its part."""
    return COMPLETED if all(progress.get(s) == COMPLETED for s in SERVICES) else PENDING
