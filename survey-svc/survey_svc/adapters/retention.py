"""What survey-svc lets go of, in its tables (the handler is service_layer/retention.py).

An invitation past the contact-details period loses the requester's email and name; its
requester id becomes an anonymous value too, once the throttle no longer looks at it. The row
stays, with everything the counts and the dispatcher's history need.
"""
from contextlib import nullcontext

from sqlalchemy import and_, literal, not_, or_

from chassis.privacy.retention import ACCESS_AUDIT, CONTACT_DETAILS, DELIVERED
from chassis.privacy.sweeps import TableSweep
from survey_svc.adapters.orm import invitations, metadata, privacy
from survey_svc.domain.model import CANCELLED, OPEN
from survey_svc.service_layer.retention import THROTTLE

# Never an ITSM's id: "anon-" and the invitation's own id, so no two rows share one.
ANONYMOUS = "anon-"

_c = invitations.c
_closed = _c.status.not_in(OPEN)  # an open invitation still needs its address


def _contact_past(cutoffs):
    return and_(_c.created_at < cutoffs[CONTACT_DETAILS], _closed,
                or_(_c.requester_email.is_not(None), _c.requester_name.is_not(None)))


def _requester_id_past(cutoffs):
    # The throttle reads the newest due_at of a requester's invitations that were not cancelled.
    unneeded = or_(_c.due_at < cutoffs[THROTTLE], _c.status == CANCELLED)
    return and_(_c.created_at < cutoffs[CONTACT_DETAILS], _closed, unneeded,
                not_(_c.requester_id.startswith(ANONYMOUS, autoescape=True)))


def sweeps(engine, write_lock=None) -> tuple:
    lock = write_lock if write_lock is not None else nullcontext()
    outbox = metadata.tables["event_outbox"]
    audit = privacy["access_audit"]
    return (
        TableSweep(engine, CONTACT_DETAILS, "invitations", invitations, _contact_past,
                   clear={"requester_email": None, "requester_name": None}, write_lock=lock),
        TableSweep(engine, CONTACT_DETAILS, "requester_ids", invitations, _requester_id_past,
                   clear={"requester_id": literal(ANONYMOUS) + _c.id}, write_lock=lock),
        # Lifecycle events already on Kafka: the outbox's copy is not needed once published.
        TableSweep(engine, DELIVERED, "published_events", outbox,
                   lambda cutoffs: outbox.c.published_at < cutoffs[DELIVERED], write_lock=lock),
        TableSweep(engine, ACCESS_AUDIT, "access_audit", audit,
                   lambda cutoffs: audit.c.at < cutoffs[ACCESS_AUDIT], write_lock=lock),
    )
