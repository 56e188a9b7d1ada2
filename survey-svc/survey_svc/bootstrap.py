"""The one place concrete adapters are chosen and wired into the message bus."""
from functools import partial
from pathlib import Path

from chassis.branding import load_branding
from chassis.clock import SystemClock
from chassis.db import make_engine, migrate, session_factory
from chassis.kafka import ConsumerWorker, KafkaPublisher
from chassis.mail import SmtpMailer
from chassis.messagebus import MessageBus
from chassis.outbox import OutboxRelay
from chassis.privacy.retention_runs import RetentionRuns
from chassis.privacy.settings import vault_for
from contracts.question_sets import load_catalogue
from survey_svc.adapters.email import EmailRenderer
from survey_svc.adapters.lifecycle import PRODUCER
from survey_svc.adapters.retention import sweeps as retention_sweeps
from survey_svc.adapters.subject_peers import peers_from_settings
from survey_svc.adapters.write_lock import write_lock_for
from survey_svc.config import Settings
from survey_svc.connectors.pull import load_pull_connectors
from survey_svc.connectors.sources import load_push_sources
from survey_svc.service_layer import messagebus
from survey_svc.service_layer.unit_of_work import SqlUnitOfWork

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def build(settings: Settings | None = None, *, migrate_db: bool = True,
          **overrides) -> MessageBus:
    """Migrate the database and wire every adapter; overrides replace any dependency by name.

    Nothing connects to the broker or the mail server yet.
    """
    s = settings or Settings.from_env()
    if migrate_db:
        migrate(s.database_url, MIGRATIONS)
    engine = overrides.pop("engine", None) or make_engine(s.database_url)
    sessions = overrides.pop("sessions", None) or session_factory(engine)
    publisher = overrides.pop("publisher", None) or KafkaPublisher(s.kafka_bootstrap_servers,
                                                                   PRODUCER)
    # Seals the requester on invitation.created, opens tickets, shreds keys (erasure, retention).
    key_vault = overrides.pop("key_vault", None) or vault_for(s, migrate_db=migrate_db)
    # SQLite has one writer: commits queue on this lock (threads and sender processes).
    uow = overrides.pop("uow", None) or partial(SqlUnitOfWork, engine, write_lock_for(engine),
                                                s.reply_tag_key, key_vault)
    # Read once, at start-up (a colour pair below AA contrast stops the service): the mails'
    # branding per organisation and the directorates each organisation has.
    branding = overrides.pop("branding", None)
    renderer = overrides.pop("renderer", None) or EmailRenderer(
        public_survey_url=s.public_survey_url, signing_key=s.signing_key, mail_from=s.mail_from,
        reply_domain=s.reply_domain, reply_tag_key=s.reply_tag_key,
        kept_for=s.longest_personal_period, branding=branding or load_branding())
    deps = {
        "settings": s, "engine": engine, "sessions": sessions, "publisher": publisher,
        "uow_factory": uow, "clock": SystemClock(), "key_vault": key_vault,
        "push_sources": overrides.pop("push_sources", None) or load_push_sources(
            s.connectors_file),
        "connectors": overrides.pop("connectors", None) or load_pull_connectors(
            s.connectors_file),
        "renderer": renderer,
        # A ticket naming no organisation: its directorate's ([organisations.<id>] directorates).
        "organisation_of": renderer.branding.organisation_of,
        "mailer_factory": partial(SmtpMailer.from_settings, s),
        "relay": OutboxRelay(sessions, publisher),
        "consumer_factory": partial(ConsumerWorker, s.kafka_bootstrap_servers,
                                    client_id=PRODUCER),
        "retention_runs": RetentionRuns(engine, write_lock_for(engine)),
        "retention_sweeps": retention_sweeps(engine, write_lock_for(engine)),
        "subject_peers": peers_from_settings(s),
        # Checked here: a bad file stops start-up with a message naming the problem.
        "question_sets": load_catalogue(s.question_sets_file),
    } | overrides
    if "mailers" not in deps:
        deps["mailers"] = smtp_mailers(s, factory=deps["mailer_factory"])
    deps["close"] = partial(_close, deps)
    return messagebus.make_bus(uow=uow, **deps)


def smtp_mailers(settings: Settings, reuse: bool = True, count: int | None = None,
                 factory=None) -> tuple:
    """The dispatcher's connections, one per parallel sender (each opened on its first mail)."""
    factory = factory or partial(SmtpMailer.from_settings, settings)
    count = count or max(1, settings.dispatch_connections)
    return tuple(factory(reuse=reuse) for _ in range(count))


def _close(deps: dict) -> None:
    """Close the connections and the publisher, and dispose of the engine."""
    for mailer in deps["mailers"]:
        mailer.close()
    deps["publisher"].close()
    getattr(deps["key_vault"], "close", lambda: None)()
    deps["engine"].dispose()
