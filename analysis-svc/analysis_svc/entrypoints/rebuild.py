"""`analysis-svc rebuild`: lifecycle first (names for redaction), then responses, from offset 0."""
from chassis.cli import CliError, progress
from contracts.topics import FEEDBACK_RESPONSES, SURVEYS_LIFECYCLE

from analysis_svc.domain.commands import PrepareRebuild, ReplayBatch
from analysis_svc.entrypoints.erasure_worker import replay_requests
from analysis_svc.service_layer.handlers import DatabaseNotEmpty


def rebuild(bus, *, reset: bool, publish: bool) -> int:
    try:
        bus.handle(PrepareRebuild(reset=reset))
    except DatabaseNotEmpty:
        raise CliError("the database already holds responses: point ANALYSIS_DATABASE_URL "
                       "at a fresh database or pass --reset") from None
    replay_requests(bus)  # erased people first, so their replayed answers land anonymous
    stored = 0
    for topic in (SURVEYS_LIFECYCLE, FEEDBACK_RESPONSES):
        replay = bus.replay(topic)
        try:
            with progress(total=replay.total, desc=topic, unit="msg") as bar:
                for batch in replay.batches():
                    stored += bus.handle(ReplayBatch(batch, publish=publish))
                    bar.update(len(batch))
        finally:
            replay.close()
    return stored
