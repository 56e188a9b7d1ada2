"""The one place concrete adapters are wired together."""
import threading
from dataclasses import dataclass
from pathlib import Path

from chassis import db
from chassis.clock import SystemClock

from ingest_svc.adapters.delivery import BoundedPublisher, SpoolingDelivery, flush_forever
from ingest_svc.adapters.spool import Spool
from ingest_svc.config import Settings
from ingest_svc.service_layer.messagebus import MessageBus
from ingest_svc.service_layer.unit_of_work import SqlUnitOfWork

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


@dataclass
class Services:
    bus: MessageBus
    engine: object
    publisher: object
    spool: Spool
    stop: threading.Event

    def start_flusher(self, interval_s: float = 1.0) -> threading.Thread:
        thread = threading.Thread(target=flush_forever, name="spool-flusher", daemon=True,
                                  args=(self.spool, self.publisher, self.stop, interval_s))
        thread.start()
        return thread

    def close(self) -> None:
        self.stop.set()
        self.publisher.close()
        self.engine.dispose()


def bootstrap(settings: Settings, publisher=None, clock=None) -> Services:
    db.migrate(settings.database_url, MIGRATIONS)
    engine = db.make_engine(settings.database_url)
    sessions = db.session_factory(engine)
    publisher = publisher or BoundedPublisher(settings.kafka_bootstrap_servers, "ingest-svc",
                                              settings.ack_timeout_s)
    spool = Spool(settings.spool_dir)
    bus = MessageBus(lambda: SqlUnitOfWork(sessions),
                     delivery=SpoolingDelivery(publisher, spool), clock=clock or SystemClock())
    bus.sessions = sessions
    return Services(bus, engine, publisher, spool, threading.Event())
