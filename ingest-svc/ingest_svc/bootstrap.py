"""The one place concrete adapters are wired together."""
import threading
from functools import partial
from pathlib import Path

from chassis import db
from chassis.clock import SystemClock
from chassis.messagebus import MessageBus
from chassis.privacy.retention_runs import RetentionRuns
from chassis.privacy.settings import vault_for
from contracts.question_sets import load_catalogue

from ingest_svc.adapters.delivery import BoundedPublisher, SpoolFlusher, SpoolingDelivery
from ingest_svc.adapters.retention import sweeps as retention_sweeps
from ingest_svc.adapters.spool import Spool
from ingest_svc.config import Settings
from ingest_svc.service_layer import messagebus
from ingest_svc.service_layer.unit_of_work import SqlUnitOfWork

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def build(settings: Settings | None = None, *, migrate_db: bool = True, **overrides) -> MessageBus:
    """Migrate the database and wire every adapter; overrides replace any dependency by name."""
    settings = settings or Settings.from_env()

    def given(name, make):
        return overrides[name] if name in overrides else make()

    engine = given("engine", lambda: _engine(settings.database_url, migrate_db))
    sessions = given("sessions", lambda: db.session_factory(engine))
    publisher = given("publisher", lambda: BoundedPublisher(
        settings.kafka_bootstrap_servers, "ingest-svc", settings.ack_timeout_s))
    spool = given("spool", lambda: Spool(settings.spool_dir))
    # Seals each answer's comment before it is published or spooled.
    key_vault = given("key_vault", lambda: vault_for(settings, migrate_db=migrate_db))
    stop = given("stop", threading.Event)
    dependencies = dict(
        settings=settings, engine=engine, sessions=sessions, publisher=publisher, spool=spool,
        stop=stop, clock=given("clock", SystemClock),
        key_vault=key_vault,
        # Checked at start-up: a bad file stops it with a message naming the problem.
        question_sets=given("question_sets", lambda: load_catalogue(settings.question_sets_file)),
        delivery=given("delivery", lambda: SpoolingDelivery(publisher, spool, key_vault)),
        flusher=given("flusher", lambda: SpoolFlusher(spool, publisher, stop)),
        close=given("close", lambda: partial(_close, stop, publisher, engine, key_vault)),
        retention_runs=given("retention_runs", lambda: RetentionRuns(engine)),
        retention_sweeps=given("retention_sweeps", lambda: retention_sweeps(engine, spool)))
    extra = {name: value for name, value in overrides.items() if name != "uow"}
    uow = overrides.get("uow") or (lambda: SqlUnitOfWork(sessions))
    return messagebus.make_bus(uow, **{**extra, **dependencies})


def _engine(database_url: str, migrate_db: bool):
    if migrate_db:
        db.migrate(database_url, MIGRATIONS)
    return db.make_engine(database_url)


def _close(stop: threading.Event, publisher, engine, key_vault=None) -> None:
    """Stop the background threads, then let go of the broker and the databases."""
    stop.set()
    publisher.close()
    engine.dispose()
    getattr(key_vault, "close", lambda: None)()
