"""A resolved ticket as the ITSM tool sends it, loaded into the domain's Ticket."""
from marshmallow import ValidationError

from contracts.events.tickets import TicketResolved
from survey_svc.domain.model import Ticket

_SCHEMA = TicketResolved()


def ticket_from_data(data: dict) -> Ticket:
    """From an already validated payload (webhook arguments, a decoded event)."""
    requester = data["requester"]
    return Ticket(
        ticket_id=data["ticket_id"], resolution=data["resolution"],
        resolved_at=data["resolved_at"], requester_id=requester["id"],
        requester_email=requester.get("email"), requester_name=requester.get("name"),
        directorate=data["directorate"], service=data.get("service"),
        category=data.get("category"), team=data.get("team"), priority=data.get("priority"),
        channel=data.get("channel"), language=(data.get("language") or "en").lower(),
        auto_closed=bool(data.get("auto_closed")), organisation=data.get("organisation"))


def load_ticket(raw: dict) -> tuple[Ticket, bool]:
    """Validate a raw payload; returns (ticket, reopened) or raises ValidationError."""
    data = _SCHEMA.load(raw)
    return ticket_from_data(data), bool(data.get("reopened"))


__all__ = ["ValidationError", "load_ticket", "ticket_from_data"]
