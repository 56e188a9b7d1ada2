"""Subject access: find the person as an erasure would, gather what each service holds (ours
from the database, the others' over their admin APIs) into one document, and audit the read."""
from typing import Protocol

from chassis.auth import normalised_address
from chassis.privacy import subject_of
from chassis.privacy.audit import RecordAccess, subject_target
from chassis.privacy.subject_records import readable_event, records_count

from survey_svc.domain.identity import identity_address
from survey_svc.domain.subject_access import (PEERS, AnswerSubjectAccess, Missing,
                                              PeerUnavailable, document)
from survey_svc.service_layer.erasure import subjects as subjects_of

SERVICE = "survey-svc"


class SubjectPeer(Protocol):
    def held(self, subjects: list[str], invitation_ids: list[str], actor: str) -> dict[str, list]:
        """Records by kind; raises PeerUnavailable when it cannot give them."""


def answer_subject_access(cmd: AnswerSubjectAccess, uow, clock, subject_peers, key_vault) -> dict:
    """The document (complete: false, with the missing services named, when one did not answer)."""
    email = normalised_address(cmd.email) if cmd.email else None
    with uow:
        person = uow.erasures.person(email, cmd.requester_id,
                                     subject_of(uow.address_key, email=identity_address(email)))
        hashes = subjects_of(uow.address_key, person)
        ours = uow.subject_data.held(person.invitation_ids, person.requester_ids, set(hashes))
        # Reads named by their subjects, invitations, or erasure requests (target erasure:<id>).
        refs = set(hashes) | person.invitation_ids | {r["id"] for r in ours["erasure_requests"]}
        ours["access_audit"] = uow.access_audit.about(refs)
    for kept in ours["outbox_events"]:
        kept["event"] = readable_event(kept["event"], key_vault)
    parts, missing, invitation_ids = {SERVICE: ours}, [], sorted(person.invitation_ids)
    for name in PEERS:
        try:
            parts[name] = _ask(subject_peers.get(name), hashes, invitation_ids, cmd.actor)
        except PeerUnavailable as err:
            parts[name] = None
            missing.append(Missing(name, str(err)))
    asked = {"email": cmd.email, "requester_id": cmd.requester_id, "subjects": hashes,
             "invitation_ids": invitation_ids}
    found = document(asked, parts, missing, clock.now())
    _audit(uow, clock, cmd, hashes, invitation_ids,
           sum(records_count(part) for part in parts.values() if part))
    return found


def _ask(peer: SubjectPeer | None, hashes, invitation_ids, actor: str) -> dict[str, list]:
    if peer is None:
        raise PeerUnavailable("not configured (its admin URL is unset)")
    return peer.held(hashes, invitation_ids, f"survey-svc for {actor}")


def _audit(uow, clock, cmd: AnswerSubjectAccess, hashes, invitation_ids, rows: int) -> None:
    """Named by subject hash, never by the address or id asked with (the audit outlives them)."""
    asked_by = [name for name, given in (("email", cmd.email), ("requester_id", cmd.requester_id))
                if given]
    with uow:
        uow.access_audit.add(RecordAccess(
            cmd.actor, "subject_access.read", subject_target(hashes),
            {"asked_by": asked_by, "subjects": hashes, "invitation_ids": invitation_ids}, rows),
            clock.now())
        uow.commit()
