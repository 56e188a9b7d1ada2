"""Provisional ratings: a rating clicked in a real browser, kept until Send (or sent for them)."""
from datetime import timedelta

from ingest_svc.domain import commands
from ingest_svc.domain.model import Answer
from ingest_svc.service_layer.answers import submit_answer


def record_provisional_rating(cmd: commands.RecordProvisionalRating, uow, clock) -> None:
    """Keep a rating clicked in a real browser, in case the person never presses Send."""
    with uow:
        if uow.responses.exists_for(cmd.invitation.invitation_id):
            return
        uow.provisional.upsert(cmd.invitation, cmd.score, clock.now())
        uow.commit()


def confirm_stale_provisional_ratings(cmd: commands.ConfirmStaleProvisionalRatings, uow,
                                      delivery, clock) -> int:
    """Send, as answers, provisional ratings whose person left without pressing Send."""
    cutoff = clock.now() - timedelta(seconds=cmd.older_than_s)
    with uow:
        stale = uow.provisional.stale(cutoff)
    count = 0
    for invitation, score in stale:
        receipt = submit_answer(commands.SubmitAnswer(
            invitation, Answer(score), channel="email_link", source="provisional-click",
            idempotency_key=f"provisional:{invitation.invitation_id}"), uow, delivery, clock)
        count += receipt.version == 1 and not receipt.replayed
    return count
