"""The one place that builds infrastructure and wires it into the message bus."""
from functools import partial
from pathlib import Path

from sqlalchemy.exc import InterfaceError, OperationalError

from chassis.clock import SystemClock
from chassis.db import make_engine, migrate, session_factory
from chassis.kafka import KafkaPublisher, PublishError, dead_letter
from chassis.mail import SmtpMailer
from chassis.messagebus import MessageBus
from chassis.privacy.retention_runs import RetentionRuns
from chassis.privacy.settings import vault_for
from chassis.privacy.vault import MasterKeyMismatch
from chassis.settings import SettingsError

from analysis_svc.adapters.heartbeat import Heartbeat
from analysis_svc.adapters.lazy_analyser import LazyAnalyser
from analysis_svc.adapters.mail_outbox import MailRelay
from analysis_svc.adapters.pdf import PdfPrinter, chromium_pdf
from analysis_svc.adapters.retention import sweeps as retention_sweeps
from analysis_svc.adapters.token_store import TokenStore
from analysis_svc.adapters.webhook_outbox import WebhookRelay, staged_rows
from analysis_svc.adapters.topics import replayer, subscriber
from analysis_svc.config import Settings
from analysis_svc.service_layer import messagebus
from analysis_svc.service_layer.batches import Learner
from analysis_svc.service_layer.notify import combined, make_channel_notifier, make_notifier
from analysis_svc.service_layer.scoring import PRODUCER, Policy
from analysis_svc.service_layer.unit_of_work import SqlUnitOfWork

MIGRATIONS = Path(__file__).parent / "adapters" / "migrations"


def build(settings: Settings | None = None, *, migrate_db: bool = True, **overrides) -> MessageBus:
    """Migrate the database and wire every adapter; overrides replace any dependency by name."""
    settings = settings or Settings.from_env()
    channel_rules, _ = _checked_channels_and_schedule(settings)
    if migrate_db:
        migrate(settings.database_url, MIGRATIONS)
    closers: list = []

    def provide(name: str, make, close: str | None = None):
        """The override named `name`, else a new adapter (closed by bus.close())."""
        if name in overrides:
            return overrides[name]
        made = make()
        if close:
            closers.append(getattr(made, close))
        return made

    deps = {"settings": settings, "clock": provide("clock", SystemClock)}
    deps["engine"] = provide("engine", lambda: make_engine(settings.database_url), "dispose")
    deps["sessions"] = provide("sessions", lambda: session_factory(deps["engine"]))
    deps["publisher"] = provide("publisher", lambda: KafkaPublisher(
        settings.kafka_bootstrap_servers, client_id=PRODUCER), "close")
    # Opens comments and requester names from the log; seals the comments it publishes.
    deps["key_vault"] = provide("key_vault", lambda: vault_for(settings, migrate_db=migrate_db),
                                "close")
    deps["analyser"] = provide("analyser", lambda: LazyAnalyser(
        partial(_load_analyser, settings.model_dir or None, settings.asset_tag_pattern)))
    deps["tokens"] = TokenStore(deps["sessions"])
    # The cap wraps whatever prints (tests override print_pdf with a slow fake).
    deps["pdf_printer"] = PdfPrinter(provide("print_pdf", lambda: partial(
        chromium_pdf, chromium_path=settings.chromium_path)), settings.pdf_renders_at_once)
    deps["channel_rules"] = channel_rules
    deps |= _pipeline(settings, deps)
    deps["mail_relay"] = provide("mail_relay", lambda: _mail_relay(settings, deps, closers))
    deps["webhook_relay"] = provide("webhook_relay", lambda: WebhookRelay(
        deps["sessions"], channel_rules, deps["clock"], settings.public_url)
        if channel_rules.routes else None)
    deps["report_mailer"] = provide("report_mailer", lambda: SmtpMailer.from_settings(settings), "close")
    deps["subscribe"], deps["replay"] = subscriber(settings), replayer(settings)
    deps["heartbeat"] = Heartbeat(settings.consumer_heartbeat_file, deps["clock"])
    deps["retention_runs"] = RetentionRuns(deps["engine"])
    deps["retention_sweeps"] = retention_sweeps(deps["engine"])
    deps |= overrides
    deps["close"] = partial(_close, closers)
    return messagebus.make_bus(uow=partial(SqlUnitOfWork, deps["sessions"]), **deps)


def _load_analyser(model_dir: str | None, asset_tag: str | None = None):
    from analysis_svc.adapters.text import build_analyser, redaction
    redaction.configure(asset_tag=asset_tag)
    return build_analyser(model_dir)


def _pipeline(settings: Settings, deps: dict) -> dict:
    """What every consumed batch needs besides the unit of work."""
    s = settings
    notify = (make_notifier(deps["tokens"].emails_for, s.public_url) if s.alert_email else None)
    return {
        "policy": Policy(min_cell=s.min_cell_size, alpha=s.alpha,
                         detractor_compound=s.detractor_compound, zone=s.zone),
        "learner": Learner(deps["analyser"], s.learn_every),
        "dead_letter": partial(dead_letter, producer=PRODUCER),
        # re-read later, never dead-lettered: a vault with another master key is a set-up error
        "transient": (OperationalError, InterfaceError, PublishError, MasterKeyMismatch),
        "notify": combined(notify, make_channel_notifier(deps["channel_rules"], staged_rows)
                           if deps["channel_rules"].routes else None),
    }


def _checked_channels_and_schedule(settings: Settings):
    """Alert channel routes and REPORT_SCHEDULE, refused at start-up naming what is wrong."""
    try:
        rules = settings.alert_channels()
    except ValueError as err:
        raise SettingsError(f"ALERT_CHANNELS_FILE / ALERT_WEBHOOKS / ALERT_ROUTES: {err}") from None
    try:
        schedule = settings.schedule()
    except ValueError as err:
        raise SettingsError(f"REPORT_SCHEDULE: {err}") from None
    return rules, schedule


def _mail_relay(settings: Settings, deps: dict, closers: list) -> MailRelay | None:
    """The relay that sends staged alert emails; None when alert emails are off."""
    if not settings.alert_email:
        return None
    mailer = SmtpMailer.from_settings(settings)
    closers.append(mailer.close)
    return MailRelay(deps["sessions"], mailer, settings.mail_from, deps["clock"])


def _close(closers: list) -> None:
    for close in reversed(closers):
        close()
    closers.clear()
