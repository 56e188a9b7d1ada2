"""The personal-data lifecycle shared by the three services: audit, retention, erasure, keys."""
from chassis.auth import address_hash, hmac_sha256


def subject_of(key: str | None, email: str | None = None,
               requester_id: str | None = None) -> str | None:
    """The one identity of a person across services: the keyed hash of their address when known
    (what ingest-svc holds as an invitation's invitee), else of "id:" + their requester id.

    The id is hashed as address_hash would hash the text "id:<id>" without normalising it
    (address_hash refuses what is not an address, and an id's case may matter). None without a
    key, or without either value.
    """
    if email and (found := address_hash(key, email)):
        return found
    if key and requester_id:
        return hmac_sha256(key, f"address:id:{requester_id}".encode())
    return None
