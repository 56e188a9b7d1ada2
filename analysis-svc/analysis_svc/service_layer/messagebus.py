"""The one table of what handles each command (analysis-svc raises no internal events)."""
from chassis.messagebus import MessageBus
from chassis.privacy.audit import RecordAccess, record_access

from analysis_svc.domain import commands, structure_commands as structure_cmds
from analysis_svc.service_layer import erasure, handlers, structure
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
    structure_cmds.AddOrganisation: structure.add_organisation,
    structure_cmds.AddNode: structure.add_node,
    structure_cmds.RecordReorganisation: structure.record_reorganisation,
    structure_cmds.MapAlias: structure.map_alias,
    structure_cmds.ScanUnknownNames: structure.scan_unknown_names,
    structure_cmds.ImportStructure: structure.import_structure,
    structure_cmds.MigrateDirectorates: structure.migrate_directorates,
    structure_cmds.SetSharing: structure.set_sharing,
}
EVENT_HANDLERS: dict = {}


def make_bus(uow, **dependencies) -> MessageBus:
    return MessageBus(commands=COMMAND_HANDLERS, events=EVENT_HANDLERS, uow=uow, **dependencies)
