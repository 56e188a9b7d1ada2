"""What survey-svc is asked to do; each goes to one handler (service_layer/messagebus.py)."""
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from survey_svc.domain.model import Ticket
from survey_svc.domain.writeback import Answer


@dataclass(frozen=True)
class ResolveTicket:
    """Decide once per (ticket, resolution) whether to survey it."""
    ticket: Ticket
    # A pushed ticket of a tool a pull connector writes back to: that connector's name, and
    # the tool's own id of the ticket (default: ticket_id).
    connector: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class ReopenTicket:
    """Cancel what is not yet sent for this resolution, and never survey it later."""
    ticket_id: str
    resolution: int


@dataclass(frozen=True)
class RecordAnswer:
    """ingest-svc's `response.submitted`/`amended`: no reminder after an answer."""
    event_id: str
    invitation_id: str | None


@dataclass(frozen=True)
class OptOutInvitation:
    """ingest-svc's `optout.requested`: the invitation's requester opted out from its link."""
    event_id: str
    invitation_id: str


@dataclass(frozen=True)
class OptOutRequester:
    requester_id: str
    source: str = "api"


@dataclass(frozen=True)
class OptInRequester:
    requester_id: str


@dataclass(frozen=True)
class SetPolicy:
    """Merge `changes` into the directorate's overrides ('*' for the defaults), audited."""
    directorate: str
    changes: dict
    who: str


@dataclass(frozen=True)
class SetOrganisationPolicy:
    """Merge `changes` into the organisation's overrides (between the defaults and a
    directorate's), audited."""
    organisation: str
    changes: dict
    who: str


@dataclass(frozen=True)
class SendDueMail:
    """One dispatch round: expire, then send due invitations, then due reminders.

    `share=(k, n)`: this sender process's share of the due rows, one of n.
    """
    limit: int = 1000
    share: tuple[int, int] | None = None


@dataclass(frozen=True)
class ApplyRetention:
    """Let go of what is past its retention period; a dry run only counts. Recorded either way."""
    dry_run: bool = False
    trigger: str = "cli"  # "cli" | "worker"
    progress: Callable | None = field(default=None, compare=False)  # a bar: progress(total=n)


@dataclass(frozen=True)
class RequestErasure:
    """Erase one person (by email or by requester id) here, and ask every service to."""
    email: str | None
    requester_id: str | None
    requested_by: str


@dataclass(frozen=True)
class RecordErasureProgress:
    """A service's `erasure.completed`: its part of a request is done."""
    event_id: str
    request_id: str
    service: str
    completed_at: datetime
    counts: dict


@dataclass(frozen=True)
class PollConnector:
    """Read what a service desk resolved since its checkpoint (or `since`: a backfill)."""
    name: str
    since: datetime | None = None


@dataclass(frozen=True)
class QueueWriteBack:
    """An answer version: queue the note it owes its ticket, once, if the rules say so."""
    invitation_id: str | None
    answer: Answer


@dataclass(frozen=True)
class CheckFollowUps:
    """Look in the tool for the team's follow-up after our delivered notes (one connector)."""
    connector: str
    limit: int = 50


@dataclass(frozen=True)
class DeliverWriteBacks:
    """Send the due notes and reopens (of one connector, or all); failures wait and retry."""
    limit: int = 100
    connector: str | None = None
