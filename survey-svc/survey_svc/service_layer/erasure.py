"""Erasure on request: erase the person here, ask every service through the outbox, and
follow each service's progress until all three have finished."""
import uuid
from functools import partial

from chassis.auth import normalised_address
from chassis.privacy import subject_of
from contracts.envelope import make_envelope

from survey_svc.adapters.lifecycle import PRODUCER
from survey_svc.domain.commands import RecordErasureProgress, RequestErasure
from survey_svc.domain.erasure import COMPLETED, SERVICES, Person, overall_status, stop_contact
from survey_svc.domain.identity import identity_address

_EVENTS = uuid.UUID("5b0f1e0c-8d0a-4c55-9a3e-2f6c1b7d9e41")


def subjects(key: str | None, person: Person) -> list[str]:
    """Every subject hash the person may be held under elsewhere."""
    found = {subject_of(key, email=email) for email in person.emails}
    found |= {subject_of(key, requester_id=rid) for rid in person.requester_ids}
    return sorted((found | person.keys) - {None})


def request_erasure(cmd: RequestErasure, uow, clock, key_vault) -> tuple[dict, bool]:
    """Erase the person here and announce `erasure.requested`; returns (the request, created).

    An unfinished request for the same person is returned instead of a second one.
    """
    email = normalised_address(cmd.email) if cmd.email else None
    with uow:
        person = uow.erasures.person(email, cmd.requester_id,
                                     subject_of(uow.address_key, email=identity_address(email)))
        hashes = subjects(uow.address_key, person)
        if (open_id := uow.erasures.open_request_for(hashes)) is not None:
            return erasure_view(uow, open_id), False
        now, request_id = clock.now(), str(uuid.uuid4())
        # Keys first: shredding twice is harmless, a sealed field left readable is not.
        shredded = key_vault.shred_subjects(hashes) if key_vault is not None else 0
        stopped = 0
        for invitation_id in sorted(person.invitation_ids):
            invitation = uow.invitations.get(invitation_id)
            stopped += stop_contact(invitation, now)
            invitation.last_error = None  # a mail server's refusal quotes the address
        counts = {"invitations": uow.erasures.anonymise_invitations(person.invitation_ids),
                  "mail_stopped": stopped,
                  "opt_outs": uow.erasures.rekey_opt_outs(
                      person.requester_ids, partial(_id_subject, uow.address_key)),
                  "outbox_events": uow.erasures.scrub_outbox(person.invitation_ids),
                  "vault_keys": shredded}
        uow.erasures.add(request_id, hashes, "email" if cmd.email else "requester_id",
                         cmd.requested_by, now, counts)
        uow.erasures.announce(make_envelope("erasure.requested", {
            "request_id": request_id, "subjects": hashes,
            "invitation_ids": sorted(person.invitation_ids), "requested_at": now}, PRODUCER,
            event_id=str(uuid.uuid5(_EVENTS, f"requested:{request_id}"))))
        uow.commit()
        return erasure_view(uow, request_id), True


def _id_subject(key: str | None, requester_id: str) -> str:
    return subject_of(key, requester_id=requester_id)


def record_erasure_progress(cmd: RecordErasureProgress, uow, clock) -> bool:
    """A service's `erasure.completed`; the request is completed once all three finished."""
    if cmd.service not in SERVICES:
        return False
    with uow:
        if uow.inbox.seen(cmd.event_id):
            return False
        changed = uow.erasures.record_progress(cmd.request_id, cmd.service, cmd.counts,
                                               cmd.completed_at)
        progress = uow.erasures.progress(cmd.request_id)
        if changed and overall_status({s: p["status"] for s, p in progress.items()}) == COMPLETED:
            uow.erasures.complete(cmd.request_id, max(p["completed_at"] for p in progress.values()))
        uow.inbox.add(cmd.event_id, clock.now())
        uow.commit()
    return changed


def erasure_view(uow, request_id: str) -> dict | None:
    """The request as the API shows it: each service's progress and the overall status."""
    request = uow.erasures.get(request_id)
    if request is None:
        return None
    progress = uow.erasures.progress(request_id)
    return {"id": request["id"], "asked_by": request["asked_by"],
            "requested_by": request["requested_by"], "requested_at": request["requested_at"],
            "completed_at": request["completed_at"],
            "status": overall_status({s: p["status"] for s, p in progress.items()}),
            "services": progress}


def show_erasure(uow, request_id: str) -> dict | None:
    with uow:
        return erasure_view(uow, request_id)
