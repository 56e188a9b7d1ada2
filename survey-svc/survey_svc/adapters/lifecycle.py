"""An invitation's recorded steps as `surveys.lifecycle` envelopes."""
import re

from chassis.auth import address_hash
from chassis.privacy import subject_of
from chassis.privacy.envelopes import seal_envelope
from contracts.envelope import Envelope, make_envelope
from contracts.text import NAME_REFUSED, TEXT_REFUSED

from survey_svc.domain.model import Invitation

PRODUCER = "survey-svc"
_NAME_CONTROLS, _TEXT_CONTROLS = re.compile(f"[{NAME_REFUSED}]"), re.compile(f"[{TEXT_REFUSED}]")


def _clean(value, controls=_NAME_CONTROLS):
    """Control characters as spaces. A row kept before the contracts refused them (or an SMTP
    refusal quoting one) must still be announced: an event that fails its schema fails the
    commit, and with it every later step of that invitation (a sent mail sent again, rounds
    stopped by an expiry that can never commit)."""
    return controls.sub(" ", value) if isinstance(value, str) else value


def _data(inv: Invitation, step: str, reason: str | None, at, address_key: str | None) -> dict:
    t = inv.ticket
    data = {"invitation_id": inv.id, "ticket_id": _clean(t.ticket_id), "at": at,
            "reason": _clean(reason, _TEXT_CONTROLS), "directorate": _clean(t.directorate),
            "service": _clean(t.service), "category": _clean(t.category), "team": _clean(t.team)}
    if t.organisation:  # optional (#17): left out when none, so the events read as before
        data["organisation"] = t.organisation
    if step == "created":
        data.update(resolution=t.resolution, requester_id=_clean(t.requester_id),
                    requester_name=_clean(t.requester_name), channel=_clean(t.channel),
                    # Keyed (REPLY_TAG_KEY): ingest-svc can tell the invitee's reply from
                    # anyone else's without the address itself on the stream.
                    requester_email_hash=address_hash(address_key, t.requester_email),
                    language=_clean(t.language), question_set=inv.question_set,
                    due_at=inv.due_at, expires_at=inv.expires_at)
    return data


def envelopes_for(inv: Invitation, address_key: str | None = None,
                  vault=None) -> list[Envelope]:
    """Drain the invitation's new steps into envelopes, oldest first; with a vault, the
    requester's id and name sealed under their subject's key for the month."""
    steps, inv.events[:] = list(inv.events), []
    envelopes = [make_envelope(f"invitation.{step}", _data(inv, step, reason, at, address_key),
                               PRODUCER)
                 for step, reason, at in steps]
    if vault is None:
        return envelopes
    t = inv.ticket
    subject = subject_of(address_key, email=t.requester_email, requester_id=t.requester_id)
    return [seal_envelope(e, vault, subject, at=e.data["at"]) if e.event_type == "invitation.created"
            else e for e in envelopes]
