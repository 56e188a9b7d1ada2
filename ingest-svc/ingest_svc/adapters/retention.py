"""What ingest-svc lets go of (the handler is service_layer/retention.py).

An answer past its period keeps its score, cohort and times, and loses its comment and the
subject hash that links it to a person; an invitation loses the hash of the invited address.
Idempotency envelopes, unmatched email replies and the access audit are deleted, and the spool
is compacted once delivered messages' bytes have lingered for the delivered period.
"""
from dataclasses import dataclass

from sqlalchemy import and_

from chassis.privacy.retention import (ACCESS_AUDIT, COMMENTS, CONTACT_DETAILS, DELIVERED,
                                       UNMATCHED_REPLIES)
from chassis.privacy.sweeps import Cutoffs, TableSweep
from ingest_svc.adapters.orm import (idempotency_keys, invitations, privacy, responses,
                                     unmatched_replies)
from ingest_svc.adapters.spool import Spool, SpoolBusy

_r, _i, _audit = responses.c, invitations.c, privacy["access_audit"]


@dataclass(frozen=True)
class SpoolSweep:
    """Delivered messages are deleted from the spool at once, but their bytes stay in its file
    and WAL: compacted once the oldest of them was delivered longer ago than the period."""

    spool: Spool
    data_class: str = DELIVERED
    target: str = "spool_leftovers"

    def count(self, cutoffs: Cutoffs) -> int:
        messages, since = self.spool.leftovers()
        return messages if since is not None and since < cutoffs[DELIVERED] else 0

    def expire(self, cutoffs: Cutoffs, on_rows=lambda rows: None) -> int:
        if not self.count(cutoffs):
            return 0
        try:
            compacted = self.spool.compact()
        except SpoolBusy:  # a flush is running: the next run compacts
            return 0
        on_rows(compacted)
        return compacted


def sweeps(engine, spool: Spool) -> tuple:
    return (
        TableSweep(engine, COMMENTS, "comments", responses, lambda k: and_(
            _r.updated_at < k[COMMENTS], _r.comment.is_not(None)), clear={"comment": None}),
        TableSweep(engine, CONTACT_DETAILS, "answer_subjects", responses, lambda k: and_(
            _r.updated_at < k[CONTACT_DETAILS], _r.subject.is_not(None)), clear={"subject": None}),
        # ingest keeps no creation time for an invitation: its expiry is the nearest to it.
        TableSweep(engine, CONTACT_DETAILS, "invitees", invitations, lambda k: and_(
            _i.expires_at < k[CONTACT_DETAILS], _i.invitee.is_not(None)), clear={"invitee": None}),
        TableSweep(engine, DELIVERED, "idempotency_envelopes", idempotency_keys,
                   lambda k: idempotency_keys.c.created_at < k[DELIVERED]),
        TableSweep(engine, UNMATCHED_REPLIES, "unmatched_replies", unmatched_replies,
                   lambda k: unmatched_replies.c.received_at < k[UNMATCHED_REPLIES]),
        TableSweep(engine, ACCESS_AUDIT, "access_audit", _audit,
                   lambda k: _audit.c.at < k[ACCESS_AUDIT]),
        SpoolSweep(spool),
    )
