"""The team's own follow-up, read back from the tool: after our note lands, the ticket is watched
(WATCH_DAYS) and each newer reply, comment or resolution by someone other than us leaves as a
`ticket.followed_up` event (a summary, never the words) for the detractor follow-up page."""
import logging
from datetime import timedelta

from survey_svc.domain.commands import CheckFollowUps
from survey_svc.domain.writeback import WATCH_DAYS
from survey_svc.service_layer.writeback import trail

log = logging.getLogger(__name__)


def check_follow_ups(cmd: CheckFollowUps, uow, connectors: dict, clock) -> int:
    """How many tickets had a new follow-up; a tool error skips that ticket until next time."""
    connector = connectors.get(cmd.connector)
    if connector is None or not hasattr(connector.source, "follow_up"):
        return 0  # this tool cannot say (yet): nothing is watched
    with uow:
        watched = uow.writebacks.watched(connector.name, clock.now() - timedelta(days=WATCH_DAYS),
                                         cmd.limit)
    found = 0
    for wb in watched:
        try:
            seen = connector.source.follow_up(wb.ref, wb.followup_mark)
        except Exception as err:  # the tool's trouble: this ticket waits for the next round
            log.warning("follow-up check failed", extra={
                "connector": wb.connector, "ref": wb.ref, "error": type(err).__name__})
            continue
        wb.checked_at = clock.now()
        event = None
        if seen is not None:
            found += 1
            wb.followup_mark, wb.followed_up_at = seen.mark, seen.at
            event = ("ticket.followed_up", trail(wb, connector, seen.at, summary=seen.summary))
        with uow:
            uow.writebacks.save(wb)
            if event:
                uow.announce(*event)
            uow.commit()
    return found
