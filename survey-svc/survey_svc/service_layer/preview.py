"""Preview an invitation for a sample ticket, and send it as a test: no invitation is stored,
nothing is published, and its link is marked test so ingest-svc records no answer to it."""
import uuid
from dataclasses import fields
from datetime import datetime, timedelta

from survey_svc.domain.model import Invitation, Ticket

PREVIEW_ADDRESS = "preview@example.invalid"
_TICKET_FIELDS = {f.name for f in fields(Ticket)}


class PreviewError(ValueError):
    """A sample ticket or language that cannot be previewed; the message names it."""


def sample_invitation(ticket: dict, language: str, languages: set[str], now: datetime,
                      send_to: str | None = None) -> Invitation:
    if language not in languages:
        raise PreviewError(f"unknown language {language!r} (known: {', '.join(sorted(languages))})")
    unknown = sorted(set(ticket) - _TICKET_FIELDS)
    if unknown:
        raise PreviewError(f"sample ticket: unknown field {unknown[0]!r}")
    values = {"ticket_id": "PREVIEW-1", "resolution": 1, "requester_id": "preview",
              "requester_email": PREVIEW_ADDRESS, "requester_name": None,
              "directorate": "Preview", **ticket, "resolved_at": now, "language": language}
    if send_to:
        values["requester_email"] = send_to
    # A fresh id no stored invitation has: a reply to it matches nothing, so nothing counts.
    return Invitation(uuid.uuid4().hex, Ticket(**values), now, now + timedelta(days=14), 0)


def preview(renderer, ticket: dict, language: str, now: datetime, kind: str = "invitation") -> dict:
    """The subject, text, HTML and survey link of the email, as a test send would carry them."""
    inv = sample_invitation(ticket, language, set(renderer.templates), now)
    return renderer.parts(inv, kind, test=True)


def send_test(renderer, mailer, ticket: dict, language: str, address: str, now: datetime) -> dict:
    """Send the marked test email to `address` (raises PermanentMailError for a bad address)."""
    inv = sample_invitation(ticket, language, set(renderer.templates), now, send_to=address)
    mailer.send(renderer.render(inv, "invitation", test=True))
    return renderer.parts(inv, "invitation", test=True)
