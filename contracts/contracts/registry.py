"""Which event type travels on which topic, with which payload schema and key."""
from dataclasses import dataclass
from functools import cache

from marshmallow import Schema

from contracts import topics
from contracts.events import analysis, itsm, lifecycle, privacy, responses, tickets
from contracts.personal import personal_fields


@dataclass(frozen=True)
class EventSpec:
    event_type: str
    topic: str
    schema: type[Schema]
    key_field: str
    version: int = 1
    fallback_key_field: str | None = None


def _lifecycle(step: str, schema=lifecycle.InvitationEvent) -> EventSpec:
    return EventSpec(f"invitation.{step}", topics.SURVEYS_LIFECYCLE, schema, "invitation_id")


_SPECS = [
    EventSpec("ticket.resolved", topics.TICKETS_RESOLVED, tickets.TicketResolved, "ticket_id"),
    EventSpec("ticket.reopened", topics.TICKETS_RESOLVED, tickets.TicketReopened, "ticket_id"),
    _lifecycle("created", lifecycle.InvitationCreated),
    _lifecycle("sent"),
    _lifecycle("reminded"),
    _lifecycle("bounced"),
    _lifecycle("expired"),
    _lifecycle("opted_out"),
    _lifecycle("cancelled"),
    # survey-svc's write-back to the service desk ticket, per answer version (#13)
    EventSpec("writeback.delivered", topics.SURVEYS_LIFECYCLE, itsm.WriteBackEvent, "response_id"),
    EventSpec("writeback.retrying", topics.SURVEYS_LIFECYCLE, itsm.WriteBackEvent, "response_id"),
    EventSpec("writeback.parked", topics.SURVEYS_LIFECYCLE, itsm.WriteBackEvent, "response_id"),
    EventSpec("ticket.followed_up", topics.SURVEYS_LIFECYCLE, itsm.TicketFollowedUp,
              "response_id"),
    EventSpec("response.submitted", topics.FEEDBACK_RESPONSES, responses.ResponseSubmitted,
              "invitation_id", fallback_key_field="response_id"),
    EventSpec("response.amended", topics.FEEDBACK_RESPONSES, responses.ResponseAmended,
              "invitation_id", fallback_key_field="response_id"),
    EventSpec("optout.requested", topics.FEEDBACK_RESPONSES, responses.OptOutRequested,
              "invitation_id"),
    EventSpec("message.rejected", topics.FEEDBACK_RESPONSES_DLQ, responses.MessageRejected, "key"),
    EventSpec("response.scored", topics.FEEDBACK_SCORED, analysis.ResponseScored, "response_id"),
    EventSpec("alert.detractor", topics.FEEDBACK_ALERTS, analysis.DetractorAlert, "directorate"),
    EventSpec("alert.significant_drop", topics.FEEDBACK_ALERTS, analysis.SignificantDrop,
              "directorate"),
    EventSpec("erasure.requested", topics.PRIVACY_REQUESTS, privacy.ErasureRequested,
              "request_id"),
    EventSpec("erasure.completed", topics.PRIVACY_REQUESTS, privacy.ErasureCompleted,
              "request_id"),
]

EVENTS: dict[str, EventSpec] = {spec.event_type: spec for spec in _SPECS}


def spec_for(event_type: str) -> EventSpec:
    try:
        return EVENTS[event_type]
    except KeyError:
        from contracts.errors import InvalidEvent
        raise InvalidEvent(f"unknown event type {event_type!r}",
                           {"event_type": ["Unknown event type."]}) from None


@cache
def schema_for(event_type: str) -> Schema:
    """The (shared, reusable) schema instance for an event type's payload."""
    return spec_for(event_type).schema()


def topic_for(event_type: str) -> str:
    return spec_for(event_type).topic


# Each event type's personal fields (dotted paths): the schemas' Sealable fields, which producers
# seal and consumers open (chassis.privacy). The DLQ has none: it keeps what it refused as it came.
PERSONAL: dict[str, tuple[str, ...]] = {
    name: tuple(personal_fields(spec.schema())) for name, spec in EVENTS.items()}


def personal_fields_of(event_type: str) -> tuple[str, ...]:
    return PERSONAL.get(event_type, ())
