"""`ingest-svc` console script: serve, worker, smtp, flush-spool, confirm-provisional."""
import gc
from pathlib import Path

import click

from chassis.backup_cli import backup_group
from chassis.cli import run_cli
from chassis.kafka import stop_on_signals
from chassis.logs import configure_logging
from chassis.db_cli import db_group
from chassis.dlq_cli import dlq_group
from chassis.privacy.audit_cli import audit_group
from chassis.privacy.retention_cli import retention_group
from contracts import topics

from ingest_svc.config import Settings


def _setup() -> Settings:
    """The settings, read once, with logging configured before anything is wired."""
    settings = Settings.from_env()
    configure_logging("ingest-svc", settings.log_level)
    return settings


def _bus():
    from ingest_svc.bootstrap import build
    return build(_setup())


@click.group()
def cli():
    """ingest-svc: survey pages, the API channel and email replies, onto Kafka."""


@cli.command()
def serve():
    """Serve the pages and the API under granian (replays the spool in each worker)."""
    from chassis.serve import serve as run
    from ingest_svc.app import create_app
    from ingest_svc.bootstrap import build
    settings = _setup()
    build(settings).close()  # migrate once, before workers fork

    def worker_app():
        app = create_app(build(settings, migrate_db=False), background=True)
        # The app's ~120k start-up objects never die: out of the collector's walk, a full
        # collection no longer stalls every request in the worker for tens of milliseconds.
        gc.freeze()
        return app
    run(worker_app, f"{settings.host}:{settings.port}",
        workers=settings.workers, threads=settings.threads)


@cli.command()
def worker():
    """Consume surveys.lifecycle, replay the spool, confirm abandoned provisional ratings."""
    from ingest_svc.entrypoints.worker import run_worker
    bus = _bus()
    stop_on_signals(bus.stop)
    run_worker(bus)


@cli.command()
def smtp():
    """Listen for survey replies by SMTP (INGEST_SMTP_HOST:INGEST_SMTP_PORT); /metrics on METRICS_PORT."""
    from ingest_svc.entrypoints.smtp import run_smtp
    bus = _bus()
    stop_on_signals(bus.stop)
    try:
        run_smtp(bus, lambda host, port: click.echo(f"listening for replies on {host}:{port}", err=True))
    finally:
        bus.close()


@cli.command("flush-spool")
def flush_spool_cmd():
    """Replay the durable spool onto the broker now; prints how many were sent."""
    bus = _bus()
    sent = bus.flusher.flush()
    click.echo(f"sent {sent}; {bus.spool.count()} still spooled")
    bus.close()


@cli.command("confirm-provisional")
def confirm_provisional():
    """Send provisional ratings older than INGEST_PROVISIONAL_GRACE_S as answers."""
    from ingest_svc.domain import commands
    bus = _bus()
    count = bus.handle(commands.ConfirmStaleProvisionalRatings(bus.settings.provisional_grace_s))
    click.echo(f"confirmed {count}")
    bus.close()


cli.add_command(audit_group(_bus))
# what the worker reads; answers refused over HTTP are not replayable (never on a topic)
cli.add_command(dlq_group(_bus, "ingest-svc", (topics.SURVEYS_LIFECYCLE, topics.PRIVACY_REQUESTS)))


def _apply_retention(**fields):
    from ingest_svc.domain.commands import ApplyRetention
    return ApplyRetention(**fields)


cli.add_command(retention_group(_bus, _apply_retention))
cli.add_command(backup_group(_setup, lambda s: [s.consumer_group], spool=lambda s: s.spool_dir))


def _settings():
    from ingest_svc.config import Settings
    return Settings.from_env()


# compose's one-shot migrate service runs `ingest-svc db upgrade` before any replica starts
cli.add_command(db_group(_settings, Path(__file__).parents[1] / "adapters" / "migrations"))


def main() -> int:
    raise SystemExit(run_cli(cli))
