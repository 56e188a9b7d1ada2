"""An invitation's recorded steps as `surveys.lifecycle` envelopes."""
from contracts.envelope import Envelope, make_envelope

from survey_svc.domain.model import Invitation

PRODUCER = "survey-svc"


def _data(inv: Invitation, step: str, reason: str | None, at) -> dict:
    t = inv.ticket
    data = {"invitation_id": inv.id, "ticket_id": t.ticket_id, "at": at, "reason": reason,
            "directorate": t.directorate, "service": t.service, "category": t.category,
            "team": t.team}
    if step == "created":
        data.update(resolution=t.resolution, requester_id=t.requester_id,
                    requester_name=t.requester_name, channel=t.channel, language=t.language,
                    due_at=inv.due_at, expires_at=inv.expires_at)
    return data


def envelopes_for(inv: Invitation) -> list[Envelope]:
    """Drain the invitation's new steps into envelopes, oldest first."""
    steps, inv.events[:] = list(inv.events), []
    return [make_envelope(f"invitation.{step}", _data(inv, step, reason, at), PRODUCER)
            for step, reason, at in steps]
