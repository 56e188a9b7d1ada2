"""The one place concrete adapters are wired together."""
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlalchemy.exc import InterfaceError, OperationalError

from chassis.clock import utcnow
from chassis.db import make_engine, migrate, session_factory
from chassis.kafka import KafkaPublisher, PublishError, dead_letter

from analysis_svc.adapters.token_store import TokenStore
from analysis_svc.adapters.uow import SqlUnitOfWork
from analysis_svc.config import Settings
from analysis_svc.service_layer.consume import Consumer
from analysis_svc.service_layer.handlers import PRODUCER, Policy

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


@dataclass
class Services:
    settings: Settings
    analyser_override: object = None
    publisher_override: object = None
    clock: object = utcnow
    _closers: list = field(default_factory=list)

    @cached_property
    def engine(self):
        engine = make_engine(self.settings.database_url)
        self._closers.append(engine.dispose)
        return engine

    @cached_property
    def sessions(self):
        return session_factory(self.engine)

    @cached_property
    def tokens(self) -> TokenStore:
        return TokenStore(self.sessions)

    @cached_property
    def analyser(self):
        if self.analyser_override is not None:
            return self.analyser_override
        from analysis_svc.adapters.text import build_analyser
        return build_analyser(self.settings.model_dir or None)

    @cached_property
    def publisher(self):
        if self.publisher_override is not None:
            return self.publisher_override
        publisher = KafkaPublisher(self.settings.kafka_bootstrap_servers, client_id=PRODUCER)
        self._closers.append(publisher.close)
        return publisher

    def policy(self) -> Policy:
        s = self.settings
        return Policy(min_cell=s.min_cell_size, alpha=s.alpha,
                      detractor_compound=s.detractor_compound,
                      zone=s.zone)

    def consumer(self, publisher=None, *, emails: bool = True) -> Consumer:
        """The batch handler; emails=False stages no alert emails (e.g. replaying history)."""
        publisher = publisher or self.publisher
        return Consumer(
            uow=SqlUnitOfWork(self.sessions), analyser=self.analyser, publisher=publisher,
            dead_letter=lambda record, reason, errors: dead_letter(
                publisher, record, reason, errors, PRODUCER),
            policy=self.policy(), clock=self.clock, notify=self._notifier() if emails else None,
            learn_every=self.settings.learn_every,
            transient=(OperationalError, InterfaceError, PublishError))

    def _notifier(self):
        if not self.settings.alert_email:
            return None
        from analysis_svc.service_layer.notify import make_notifier
        return make_notifier(self.tokens.emails_for, self.settings.public_url)

    def mail_relay(self):
        """The relay that sends staged alert emails; None when alert emails are off."""
        if not self.settings.alert_email:
            return None
        from analysis_svc.adapters.mail_outbox import MailRelay
        from analysis_svc.adapters.mailer import SmtpMailer
        s = self.settings
        mailer = SmtpMailer(s.smtp_host, s.smtp_port, s.mail_from, username=s.smtp_username,
                            password=s.smtp_password, starttls=s.smtp_starttls)
        return MailRelay(self.sessions, mailer)

    def close(self) -> None:
        for close in reversed(self._closers):
            close()
        self._closers.clear()


def bootstrap(settings: Settings | None = None, *, analyser=None, publisher=None,
              clock=utcnow, migrate_db: bool = True) -> Services:
    """Wire the service; migrate the database to the latest schema unless told not to."""
    settings = settings or Settings.from_env()
    if migrate_db:
        migrate(settings.database_url, MIGRATIONS)
    return Services(settings, analyser, publisher, clock)
