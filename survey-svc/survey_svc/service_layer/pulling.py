"""Poll a service desk: each resolution it reports is decided once, from a stored checkpoint.

A page's tickets are mapped, their tool ids recorded (for write-back), then each is decided by
the webhook's own handlers; the checkpoint moves after the page (after the whole poll for a tool
whose list is not in update order). A crash repeats at most what followed the checkpoint, and
the decisions table makes every repeat a duplicate: exactly once per (ticket, resolution).
"""
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from survey_svc.connectors.intake import MappingError, NotResolved, command_for
from survey_svc.connectors.pull import Connector
from survey_svc.domain.commands import PollConnector, ResolveTicket
from survey_svc.service_layer import intake

log = logging.getLogger(__name__)
# An unordered tool's checkpoint stays this far behind our clock: its clock may be behind ours.
CLOCK_MARGIN = timedelta(minutes=5)


class UnknownConnector(LookupError):
    pass


@dataclass
class PollResult:
    connector: str
    fetched: int = 0
    surveyed: int = 0
    not_surveyed: int = 0
    duplicates: int = 0
    reopened: int = 0
    not_resolved: int = 0
    skipped: int = 0
    checkpoint: datetime | None = None
    reasons: dict[str, int] = field(default_factory=dict)


def poll_connector(cmd: PollConnector, uow, connectors: dict, clock,
                   question_sets=None, organisation_of=None) -> PollResult:
    """One poll from the checkpoint (or `cmd.since`, a backfill); a tool error is recorded on
    the connector and raised (the caller logs it and tries again next interval)."""
    connector = connectors.get(cmd.name)
    if connector is None:
        raise UnknownConnector(f"no pull connector named {cmd.name!r}: {sorted(connectors)}")
    started = clock.now()
    with uow:
        state = uow.checkpoints.get(connector.name)
    since = cmd.since or (state and state.checkpoint) or connector.start or started
    result = PollResult(connector.name, checkpoint=since)
    counted = [0, 0]  # fetched and skipped already added to the connector's totals

    def advance(checkpoint: datetime) -> None:
        with uow:
            uow.checkpoints.advance(connector.name, checkpoint, result.fetched - counted[0],
                                    result.skipped - counted[1], clock.now())
            uow.commit()
        counted[:] = [result.fetched, result.skipped]

    try:
        for page in connector.source.pages(since):
            _page(connector, page, result, uow, clock, question_sets, organisation_of)
            if connector.source.ordered:
                advance(max(r.moment for r in page))
        advance(result.checkpoint if connector.source.ordered
                else min(result.checkpoint, started - CLOCK_MARGIN))
    except Exception as err:
        with uow:
            uow.checkpoints.failed(connector.name, f"{type(err).__name__}: {err}", clock.now())
            uow.commit()
        raise
    return result


def _page(connector: Connector, page: list, result: PollResult, uow, clock,
          question_sets=None, organisation_of=None) -> None:
    commands, refs = [], []
    for pulled in page:
        result.fetched += 1
        result.checkpoint = max(result.checkpoint, pulled.moment)
        try:
            command = command_for(connector.mapping, pulled.payload)
        except NotResolved:
            result.not_resolved += 1
            continue
        except MappingError as err:
            # the record stays in the tool: fix the mapping, then `connectors poll --since`
            result.skipped += 1
            log.warning("pulled ticket skipped", extra={
                "connector": connector.name, "ref": pulled.ref, "field": err.field,
                "problem": err.problem})
            continue
        commands.append(command)
        if isinstance(command, ResolveTicket):
            refs.append((command.ticket.ticket_id, command.ticket.resolution, pulled.ref))
    with uow:
        uow.ticket_refs.put(connector.name, refs, clock.now())
        uow.commit()
    for command in commands:
        _decide(command, result, uow, clock, question_sets, organisation_of)


def _decide(command, result: PollResult, uow, clock, question_sets=None,
            organisation_of=None) -> None:
    if not isinstance(command, ResolveTicket):
        result.reopened += bool(intake.reopen_ticket(command, uow, clock))
        return
    outcome = intake.resolve_ticket(command, uow, clock, question_sets, organisation_of)
    if outcome.duplicate:
        result.duplicates += 1
    elif outcome.surveyed:
        result.surveyed += 1
    else:
        result.not_surveyed += 1
        result.reasons[outcome.reason] = result.reasons.get(outcome.reason, 0) + 1

