"""A year of tickets, invitations and answers, as the real producers would have sent them."""
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterator

from contracts.envelope import Envelope, make_envelope

from suite_demo.catalogue import (CHANNELS, DIRECTORATES, FIRST_NAMES, LAST_NAMES, PRODUCER_INGEST,
                                  PRODUCER_SURVEY, SEASON, SERVICES, SPLIT, Directorate, Service)
from suite_demo.comments import comment_for


@dataclass(frozen=True)
class Ticket:
    directorate: Directorate
    service: Service
    ticket_id: str
    resolved_at: datetime
    resolution: int
    progress: float  # 0 at the start of the history, 1 now
    split: date | None = None  # the reorganisation day of this history (None: none in it)

    @property
    def directorate_name(self) -> str:
        """The name the ticket was raised under: after the split, the new directorate's."""
        return SPLIT.name(self.directorate.name, self.service.name, self.resolved_at.date(),
                          self.split)


def new_id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def quality(service: Service, progress: float) -> float:
    """How good the service was at that point of the year (0..1)."""
    q = service.start_quality + (service.end_quality - service.start_quality) * progress
    return max(0.05, min(0.97, q))


def draw_score(rng: random.Random, q: float) -> int:
    return max(1, min(5, round(1 + 4 * q + rng.gauss(0, 1.0))))


def split_in(start: datetime, now: datetime) -> date | None:
    """The reorganisation day when it falls inside the history (a short one may hold none)."""
    day = SPLIT.effective(now.date())
    return day if day > start.date() else None


def tickets(rng: random.Random, now: datetime, weeks: int) -> Iterator[Ticket]:
    """Tickets resolved week by week with seasonal volumes; a few reopen and resolve again."""
    start = now - timedelta(weeks=weeks)
    split = split_in(start, now)
    for week in range(weeks):
        week_start = start + timedelta(weeks=week)
        season = SEASON[week_start.month - 1]
        for directorate in DIRECTORATES:
            count = max(1, round(directorate.weekly_tickets * season * rng.uniform(0.85, 1.15)))
            for _ in range(count):
                at = week_start + timedelta(seconds=rng.randrange(7 * 86400))
                progress = (at - start) / (now - start)
                ticket = Ticket(directorate, rng.choice(SERVICES), f"INC{rng.randrange(10**7):07d}",
                                at, 1, progress, split)
                yield ticket
                if rng.random() < 0.06:  # reopened: resolved again a few days later
                    again = at + timedelta(days=rng.uniform(1, 6))
                    if again < now:
                        yield Ticket(directorate, ticket.service, ticket.ticket_id, again, 2,
                                     progress, split)


def cohort(ticket: Ticket) -> dict:
    return {"directorate": ticket.directorate_name, "service": ticket.service.name,
            "category": ticket.service.category, "team": ticket.service.team}


def events_for(rng: random.Random, ticket: Ticket, now: datetime, live: bool = False) -> list[Envelope]:
    """The lifecycle of one invitation, and the answer if the person gave one (live: answered by now)."""
    inv, first, last = new_id(rng), rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    created, due = ticket.resolved_at, ticket.resolved_at + timedelta(hours=1)
    expires = due + timedelta(days=14)
    base = {**cohort(ticket), "invitation_id": inv, "ticket_id": ticket.ticket_id}
    events = [make_envelope("invitation.created", {
        **base, "at": created, "resolution": ticket.resolution, "requester_id": f"u-{rng.randrange(5000)}",
        "requester_name": f"{first} {last}", "channel": rng.choice(CHANNELS), "language": "en",
        "due_at": due, "expires_at": expires}, PRODUCER_SURVEY, occurred_at=created)]
    if due > now:
        return events
    events.append(make_envelope("invitation.sent", {**base, "at": due}, PRODUCER_SURVEY, occurred_at=due))
    rate = 0.8 if live else ticket.directorate.response_rate * (0.8 if ticket.resolution == 2 else 1.0)
    if rng.random() > rate:  # a non-responder: reminded, then expired
        reminded = due + timedelta(days=3)
        if reminded < now:
            events.append(make_envelope("invitation.reminded", {**base, "at": reminded}, PRODUCER_SURVEY,
                                        occurred_at=reminded))
        if expires < now:
            events.append(make_envelope("invitation.expired", {**base, "at": expires}, PRODUCER_SURVEY,
                                        occurred_at=expires))
        return events
    delay = rng.uniform(0, (now - due).total_seconds() / 3600) if live else rng.expovariate(1 / 20)
    submitted = due + timedelta(hours=delay)
    if submitted >= now:
        return events
    score = draw_score(rng, quality(ticket.service, ticket.progress)
                       - (0.15 if ticket.resolution == 2 else 0))
    answer = {**cohort(ticket), "response_id": new_id(rng), "invitation_id": inv,
              "ticket_id": ticket.ticket_id, "version": 1, "score": score,
              "resolved": "yes" if score >= 3 else rng.choice(("no", "not_sure", "yes")),
              "comment": comment_for(rng, score, ticket.service.theme, first, last),
              "channel": "email_link", "source": "survey-page", "language": "en", "submitted_at": submitted}
    events.append(make_envelope("response.submitted", answer, PRODUCER_INGEST, occurred_at=submitted))
    if rng.random() < 0.03:  # a person changes their mind and amends their answer
        amended_at = submitted + timedelta(minutes=rng.randrange(5, 600))
        if amended_at < now:
            amended = {**answer, "version": 2, "score": min(5, score + 1), "submitted_at": amended_at}
            events.append(make_envelope("response.amended", amended, PRODUCER_INGEST, occurred_at=amended_at))
    return events


def history(seed: int = 2024, now: datetime | None = None, weeks: int = 52) -> Iterator[Envelope]:
    """Every event of `weeks` of history up to `now`, in ticket order (timestamps backdated)."""
    rng = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    for ticket in tickets(rng, now, weeks):
        yield from events_for(rng, ticket, now)
