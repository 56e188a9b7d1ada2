"""ingest-svc's one handler table, on chassis' message bus."""
from chassis.messagebus import MessageBus
from chassis.privacy.audit import RecordAccess, record_access

from ingest_svc.domain import commands
from ingest_svc.service_layer import answers, erasure, invitations, provisional, replies
from ingest_svc.service_layer.retention import apply_retention

COMMAND_HANDLERS = {
    commands.SubmitAnswer: answers.submit_answer,
    commands.SubmitSourceAnswer: answers.submit_source_answer,
    commands.SubmitAnswers: answers.submit_answers,
    commands.DeadLetterInput: answers.dead_letter_input,
    commands.RecordProvisionalRating: provisional.record_provisional_rating,
    commands.ConfirmStaleProvisionalRatings: provisional.confirm_stale_provisional_ratings,
    commands.RequestOptOut: invitations.request_opt_out,
    commands.RecordInvitation: invitations.record_invitation,
    commands.CloseInvitation: invitations.close_invitation,
    commands.IngestEmailReply: replies.ingest_email_reply,
    commands.ApplyRetention: apply_retention,
    commands.EraseSubjects: erasure.erase_subjects,
    RecordAccess: record_access,
}
# ingest-svc's events leave as contract envelopes (the Delivery port); none is handled inside.
EVENT_HANDLERS: dict = {}


def make_bus(uow, **dependencies) -> MessageBus:
    return MessageBus(commands=COMMAND_HANDLERS, events=EVENT_HANDLERS, uow=uow, **dependencies)
