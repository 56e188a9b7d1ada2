"""`ingest-svc` console script: serve, worker, smtp, flush-spool, confirm-provisional."""
import gc
import threading

import click

from chassis.cli import run_cli
from chassis.kafka import stop_on_signals
from chassis.logs import configure_logging

from ingest_svc.config import Settings


def _setup():
    settings = Settings.from_env()
    configure_logging("ingest-svc", settings.log_level)
    return settings


@click.group()
def cli():
    """ingest-svc: survey pages, the API channel and email replies, onto Kafka."""


@cli.command()
def serve():
    """Serve the pages and the API under granian (replays the spool in each worker)."""
    from chassis.serve import serve as run
    from ingest_svc.app import create_app
    from ingest_svc.bootstrap import bootstrap
    settings = _setup()
    bootstrap(settings).close()  # migrate once, before workers fork

    def worker_app():
        app = create_app(settings, background=True)
        # The app's ~120k start-up objects never die: out of the collector's walk, a full
        # collection no longer stalls every request in the worker for tens of milliseconds.
        gc.freeze()
        return app
    run(worker_app, f"{settings.host}:{settings.port}",
        workers=settings.workers, threads=settings.threads)


@cli.command()
def worker():
    """Consume surveys.lifecycle, replay the spool, confirm abandoned provisional ratings."""
    from ingest_svc.bootstrap import bootstrap
    from ingest_svc.entrypoints.worker import run_worker
    settings = _setup()
    services, stop = bootstrap(settings), threading.Event()
    stop_on_signals(stop)
    services.stop = stop
    run_worker(settings, services, stop)


@cli.command()
def smtp():
    """Listen for survey replies by SMTP (INGEST_SMTP_HOST:INGEST_SMTP_PORT)."""
    from ingest_svc.adapters.smtp_listener import start_listener
    from ingest_svc.bootstrap import bootstrap
    settings = _setup()
    services, stop = bootstrap(settings), threading.Event()
    stop_on_signals(stop)
    services.start_flusher()
    controller = start_listener(services.bus, settings.reply_domain, settings.smtp_host,
                                settings.smtp_port)
    click.echo(f"listening for replies on {settings.smtp_host}:{settings.smtp_port}", err=True)
    stop.wait()
    controller.stop()
    services.close()


@cli.command("flush-spool")
def flush_spool_cmd():
    """Replay the durable spool onto the broker now; prints how many were sent."""
    from ingest_svc.adapters.delivery import flush_spool
    from ingest_svc.bootstrap import bootstrap
    services = bootstrap(_setup())
    sent = flush_spool(services.spool, services.publisher)
    click.echo(f"sent {sent}; {services.spool.count()} still spooled")
    services.close()


@cli.command("confirm-provisional")
def confirm_provisional():
    """Send provisional ratings older than INGEST_PROVISIONAL_GRACE_S as answers."""
    from ingest_svc.bootstrap import bootstrap
    from ingest_svc.domain import commands
    settings = _setup()
    services = bootstrap(settings)
    count = services.bus.handle(commands.ConfirmStaleProvisionalRatings(settings.provisional_grace_s))
    click.echo(f"confirmed {count}")
    services.close()


def main() -> int:
    raise SystemExit(run_cli(cli))
