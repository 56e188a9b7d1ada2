"""A resolved ticket, the decision whether to survey it, and the invitation it becomes."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from survey_svc.domain.identity import identity_address
from survey_svc.domain.policy import Policy, in_sample

PENDING, SENT, REMINDED, ANSWERED = "pending", "sent", "reminded", "answered"
BOUNCED, EXPIRED, CANCELLED, OPTED_OUT = "bounced", "expired", "cancelled", "opted_out"
OPEN = (PENDING, SENT, REMINDED)


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    resolution: int
    resolved_at: datetime
    requester_id: str
    requester_email: str | None
    requester_name: str | None
    directorate: str
    service: str | None = None
    category: str | None = None
    team: str | None = None
    priority: str | None = None
    channel: str | None = None
    language: str = "en"
    auto_closed: bool = False
    # The organisation the ticket is for (contracts.organisations id), given or derived from its
    # directorate (the branding file's [organisations.<id>] directorates); None, none known.
    organisation: str | None = None
    # Whether this ticket's source tells a+tag@x from a@x (its mapping's keep_plus_tag).
    keep_plus_tag: bool = False

    @property
    def identity(self) -> str | None:
        """The requester's normalised address: one person across ids and service desks."""
        return identity_address(self.requester_email, self.keep_plus_tag)


@dataclass(frozen=True)
class Decision:
    survey: bool
    reason: str | None
    due_at: datetime


def decide(ticket: Ticket, policy: Policy, *, opted_out: bool,
           last_invited_at: datetime | None, now: datetime) -> Decision:
    """Whether and when to survey: exclusions first, then the sample, then the throttle."""
    due_at = max(ticket.resolved_at + policy.delay, now)
    excluded = [
        ("no_email", not ticket.requester_email),
        ("opted_out", opted_out),
        ("test_account", ticket.requester_id in policy.test_accounts
         or (ticket.requester_email or "").lower() in policy.test_accounts
         or ticket.identity in policy.test_accounts),
        ("excluded_category", ticket.category in policy.excluded_categories),
        ("auto_closed", policy.exclude_auto_closed and ticket.auto_closed),
        ("not_sampled", not in_sample(ticket.ticket_id, policy.sampling_rate)),
        ("throttled", last_invited_at is not None
         and due_at - last_invited_at < timedelta(days=policy.throttle_days)),
    ]
    reason = next((name for name, hit in excluded if hit), None)
    return Decision(reason is None, reason, due_at)


@dataclass
class Invitation:
    id: str
    ticket: Ticket
    due_at: datetime
    expires_at: datetime
    reminder_days: int
    status: str = PENDING
    sent_at: datetime | None = None
    remind_at: datetime | None = None
    reminded_at: datetime | None = None
    answered_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    # The question set it is sent with ("<name>@<version>"); None, the default questions.
    question_set: str | None = None
    # Lifecycle steps not yet announced: (step, reason, at).
    events: list[tuple[str, str | None, datetime]] = field(default_factory=list, compare=False)

    def _move(self, status: str, step: str, at: datetime, reason: str | None = None) -> None:
        self.status = status
        self.events.append((step, reason, at))

    def mark_sent(self, now: datetime) -> None:
        self.sent_at = now
        # Zero reminder days means no reminder at all.
        self.remind_at = now + timedelta(days=self.reminder_days) if self.reminder_days else None
        self._move(SENT, "sent", now)

    def mark_reminded(self, now: datetime) -> None:
        self.reminded_at = now
        self._move(REMINDED, "reminded", now)

    def defer(self, kind: str, error: str, retry_at: datetime) -> None:
        """A transient failure: the invitation or its reminder is tried again later."""
        self.attempts += 1
        self.last_error = error[:500]
        if kind == "reminder":
            self.remind_at = retry_at
        else:
            self.due_at = retry_at

    def bounce(self, error: str, now: datetime) -> None:
        self.last_error = error[:500]
        self._move(BOUNCED, "bounced", now, error[:500])

    def cancel(self, reason: str, now: datetime) -> bool:
        if self.status != PENDING:
            return False
        self._move(CANCELLED, "cancelled", now, reason)
        return True

    def answer(self, now: datetime) -> None:
        if self.answered_at is None:
            self.answered_at = now
            if self.status in OPEN:
                self.status = ANSWERED

    def opt_out(self, now: datetime) -> None:
        """Announced even when already answered; only an open invitation stops."""
        if self.status == OPTED_OUT:
            return
        status = OPTED_OUT if self.status in OPEN else self.status
        self._move(status, "opted_out", now, "requester opted out")

    def expire(self, now: datetime) -> None:
        self._move(EXPIRED, "expired", now)

    def created(self, now: datetime) -> None:
        self.events.append(("created", None, now))

    def needs_reminder(self, now: datetime) -> bool:
        return (self.status == SENT and self.remind_at is not None and self.remind_at <= now
                and now < self.expires_at)
