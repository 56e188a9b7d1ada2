"""The one table of what handles each command (analysis-svc raises no internal events)."""
from chassis.messagebus import MessageBus
from chassis.privacy.audit import RecordAccess, record_access

from analysis_svc.domain import commands
from analysis_svc.service_layer import erasure, handlers
from analysis_svc.service_layer.retention import apply_retention
from analysis_svc.reports.schedule import send_scheduled_report

COMMAND_HANDLERS = {
    commands.ConsumeBatch: handlers.consume_batch,
    commands.ReplayBatch: handlers.replay_batch,
    commands.PrepareRebuild: handlers.prepare_rebuild,
    commands.MarkFollowedUp: handlers.mark_followed_up,
    commands.IssueToken: handlers.issue_token,
    commands.RevokeToken: handlers.revoke_token,
    commands.ApplyRetention: apply_retention,
    commands.EraseSubjects: erasure.erase_subjects,
    RecordAccess: record_access,
    commands.SendScheduledReport: send_scheduled_report,
}
EVENT_HANDLERS: dict = {}


def make_bus(uow, **dependencies) -> MessageBus:
    return MessageBus(commands=COMMAND_HANDLERS, events=EVENT_HANDLERS, uow=uow, **dependencies)
