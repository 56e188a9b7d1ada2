"""`analysis-svc rebuild`: lifecycle first (names for redaction), then responses, from offset 0.

It refuses, before touching the database, when a topic it needs no longer starts at offset 0:
the figures could not be reproduced. An answer whose comment can no longer be opened (its
person erased, or past retention: crypto-shredded) is rebuilt from the reading feedback.scored
recorded for it, so the aggregates come out as they were.
"""
from chassis.cli import CliError, progress
from contracts.envelope import decode
from contracts.errors import InvalidEvent
from contracts.personal import is_sealed
from contracts.topics import FEEDBACK_RESPONSES, FEEDBACK_SCORED, SURVEYS_LIFECYCLE

from analysis_svc.domain.commands import PrepareRebuild, ReplayBatch
from analysis_svc.entrypoints.erasure_worker import replay_requests
from analysis_svc.service_layer.handlers import DatabaseNotEmpty
from analysis_svc.service_layer.scoring import recorded_reading

NEEDED = (SURVEYS_LIFECYCLE, FEEDBACK_RESPONSES, FEEDBACK_SCORED)


def rebuild(bus, *, reset: bool, publish: bool) -> int:
    replays = {topic: bus.replay(topic) for topic in NEEDED}
    try:
        _refuse_lost_history(replays)
        try:
            bus.handle(PrepareRebuild(reset=reset))
        except DatabaseNotEmpty:
            raise CliError("the database already holds responses: point ANALYSIS_DATABASE_URL "
                           "at a fresh database or pass --reset") from None
        replay_requests(bus)  # erased people first, so their replayed answers land anonymous
        readings = recorded_readings(replays[FEEDBACK_SCORED], bus.key_vault)
        stored = 0
        for topic in (SURVEYS_LIFECYCLE, FEEDBACK_RESPONSES):
            replay = replays[topic]
            with progress(total=replay.total, desc=topic, unit="msg") as bar:
                for batch in replay.batches():
                    stored += bus.handle(ReplayBatch(batch, publish=publish, readings=readings))
                    bar.update(len(batch))
        return stored
    finally:
        for replay in replays.values():
            replay.close()


def _refuse_lost_history(replays: dict) -> None:
    for replay in replays.values():
        for topic, partition, first in replay.trimmed():
            raise CliError(
                f"cannot rebuild: {topic} partition {partition} starts at offset {first}, not 0 "
                "(retention deleted history the figures need); nothing was changed") from None


def recorded_readings(replay, vault) -> dict:
    """(response_id, version) -> the reading recorded on feedback.scored, for every answer whose
    redacted comment (sealed under the same key as the comment) no longer opens."""
    found = {}
    with progress(total=replay.total, desc=FEEDBACK_SCORED, unit="msg") as bar:
        for batch in replay.batches():
            scored = []
            for record in batch:
                try:
                    envelope = decode(record.value)
                except InvalidEvent:
                    continue
                if (envelope.event_type == "response.scored"
                        and is_sealed(envelope.data.get("redacted_comment"))):
                    scored.append(envelope.data)
            opened = vault.open_many([data["redacted_comment"] for data in scored])
            for data, text in zip(scored, opened):
                if text is None:
                    found[data["response_id"], data["version"]] = recorded_reading(data)
            bar.update(len(batch))
    return found
