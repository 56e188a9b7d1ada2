"""The one place concrete adapters are chosen and wired."""
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from chassis.clock import SystemClock
from chassis.db import make_engine, migrate, session_factory
from chassis.kafka import KafkaPublisher
from survey_svc.adapters.email import EmailRenderer
from survey_svc.adapters.smtp import SmtpMailer
from survey_svc.adapters.write_lock import write_lock_for
from survey_svc.config import Settings
from survey_svc.service_layer.unit_of_work import SqlUnitOfWork

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


@dataclass
class Services:
    settings: Settings
    clock: object
    engine: object
    sessions: object
    publisher: object
    renderer: EmailRenderer
    mailer_factory: object = field(repr=False)
    write_lock: object = field(default_factory=nullcontext, repr=False)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.write_lock)

    def mailer(self, reuse: bool = True) -> SmtpMailer:
        return self.mailer_factory(reuse)

    def mailers(self) -> list[SmtpMailer]:
        """One per parallel sender (SURVEY_DISPATCH_CONNECTIONS)."""
        return [self.mailer() for _ in range(max(1, self.settings.dispatch_connections))]


def build(settings: Settings, *, clock=None, publisher=None) -> Services:
    """Migrate the database and wire the adapters; nothing connects to the broker yet."""
    migrate(settings.database_url, MIGRATIONS)
    engine = make_engine(settings.database_url)
    clock = clock or SystemClock()
    s = settings
    return Services(
        settings=s, clock=clock, engine=engine, sessions=session_factory(engine),
        write_lock=write_lock_for(engine),
        publisher=publisher or KafkaPublisher(s.kafka_bootstrap_servers, "survey-svc"),
        renderer=EmailRenderer(public_survey_url=s.public_survey_url, signing_key=s.signing_key,
                               mail_from=s.mail_from, reply_domain=s.reply_domain),
        mailer_factory=lambda reuse: SmtpMailer(
            s.smtp_host, s.smtp_port, username=s.smtp_username, password=s.smtp_password,
            starttls=s.smtp_starttls, timeout_s=s.smtp_timeout_s, reuse=reuse))
