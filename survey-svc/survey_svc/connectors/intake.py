"""A service desk's payload, through its mapping, to the command today's webhook sends.

    command = command_for(mapping, payload)   # ResolveTicket | ReopenTicket
    bus.handle(command)

Raises MappingError naming the field (a missing one, or one the ticket contract refuses) and
NotResolved when the mapping says the payload is not a resolution.
"""
from dataclasses import replace

from survey_svc.adapters.tickets import ValidationError, load_ticket
from survey_svc.connectors.mapping import Mapping, MappingError, NotResolved
from survey_svc.domain.commands import ReopenTicket, ResolveTicket

# The contract's field names -> the mapping's (for naming the expression in an error).
_CONTRACT_TO_FIELD = {"requester.id": "requester_id", "requester.email": "requester_email",
                      "requester.name": "requester_name"}


def command_for(mapping: Mapping, payload) -> ResolveTicket | ReopenTicket:
    """The command for one payload; nothing is decided or stored here."""
    data = mapping.apply(payload)
    if data.get("reopened") and "resolved_at" not in data:
        return ReopenTicket(str(data["ticket_id"]), data["resolution"])
    try:
        ticket, reopened = load_ticket(data)
    except ValidationError as err:
        raise _named(mapping, err.messages) from None
    if reopened:
        return ReopenTicket(ticket.ticket_id, ticket.resolution)
    return ResolveTicket(replace(ticket, keep_plus_tag=mapping.keep_plus_tag),
                         ref=mapping.ref(payload))


def _named(mapping: Mapping, messages: dict) -> MappingError:
    """The first field the contract refused, with the expression that produced it."""
    path, problem = _first(messages)
    field = _CONTRACT_TO_FIELD.get(path, path)
    rule = mapping.rules.get(field)
    return MappingError(field, rule.expr if rule else None, problem)


def _first(messages, prefix: str = "") -> tuple[str, str]:
    name, value = next(iter(sorted(messages.items())))
    path = f"{prefix}{name}"
    if isinstance(value, dict):
        return _first(value, f"{path}.")
    return path, " ".join(map(str, value)) if isinstance(value, list) else str(value)


__all__ = ["MappingError", "NotResolved", "command_for"]
