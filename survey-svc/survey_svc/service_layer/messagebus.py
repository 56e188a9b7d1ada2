"""Every command survey-svc handles, and its one handler."""
from chassis.messagebus import MessageBus
from chassis.privacy.audit import RecordAccess, record_access

from survey_svc.domain import commands
from survey_svc.domain.subject_access import AnswerSubjectAccess
from survey_svc.service_layer import answers, dispatch, erasure, intake, policies
from survey_svc.service_layer.followups import check_follow_ups
from survey_svc.service_layer.pulling import poll_connector
from survey_svc.service_layer.retention import apply_retention
from survey_svc.service_layer.subject_access import answer_subject_access
from survey_svc.service_layer.writeback import deliver_write_backs, queue_write_back

COMMAND_HANDLERS = {
    commands.ResolveTicket: intake.resolve_ticket,
    commands.ReopenTicket: intake.reopen_ticket,
    commands.RecordAnswer: answers.record_answer,
    commands.OptOutInvitation: answers.opt_out_invitation,
    commands.OptOutRequester: answers.opt_out_requester,
    commands.OptInRequester: answers.opt_in_requester,
    commands.SetPolicy: policies.set_policy,
    commands.SetOrganisationPolicy: policies.set_organisation_policy,
    commands.SendDueMail: dispatch.send_due_mail,
    commands.ApplyRetention: apply_retention,
    commands.RequestErasure: erasure.request_erasure,
    commands.RecordErasureProgress: erasure.record_erasure_progress,
    RecordAccess: record_access,
    AnswerSubjectAccess: answer_subject_access,
    commands.PollConnector: poll_connector,
    commands.QueueWriteBack: queue_write_back,
    commands.DeliverWriteBacks: deliver_write_backs,
    commands.CheckFollowUps: check_follow_ups,
}
# An invitation's steps, and what became of each write-back, leave through the outbox as
# `surveys.lifecycle` events; nothing in survey-svc reacts to them: no internal event handlers.
EVENT_HANDLERS: dict = {}


def make_bus(uow, **dependencies) -> MessageBus:
    return MessageBus(commands=COMMAND_HANDLERS, events=EVENT_HANDLERS, uow=uow, **dependencies)
