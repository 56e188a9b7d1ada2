"""`analysis-svc rebuild`: lifecycle first (names for redaction), then responses, from offset 0."""
from sqlalchemy import delete, func, select

from chassis.cli import CliError, progress
from contracts.topics import FEEDBACK_RESPONSES, SURVEYS_LIFECYCLE

from analysis_svc.adapters import orm
from analysis_svc.adapters.replay import TopicReplay

TABLES = ("responses", "invitations", "rollups", "rollup_themes", "event_inbox",
          "raised_alerts")


class _Discard:
    def publish(self, envelope) -> None:
        pass

    def publish_many(self, envelopes) -> None:
        pass


def rebuild(services, *, reset: bool, publish: bool) -> int:
    with services.sessions() as session, session.begin():
        if reset:
            for name in TABLES:
                session.execute(delete(orm.metadata.tables[name]))
        elif session.execute(select(func.count()).select_from(orm.responses)).scalar():
            raise CliError("the database already holds responses: point ANALYSIS_DATABASE_URL "
                           "at a fresh database or pass --reset")
    # A replay re-raises past alerts: they may be re-published, never e-mailed again.
    consumer = services.consumer(publisher=None if publish else _Discard(), emails=False)
    stored = 0
    for topic in (SURVEYS_LIFECYCLE, FEEDBACK_RESPONSES):
        replay = TopicReplay(services.settings.kafka_bootstrap_servers, [topic],
                             services.settings.batch_size)
        try:
            with progress(total=replay.total, desc=topic, unit="msg") as bar:
                for batch in replay.batches():
                    stored += consumer.handle_batch(batch)
                    bar.update(len(batch))
        finally:
            replay.close()
    return stored
