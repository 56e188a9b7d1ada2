"""`suite-demo seed` publishes a year of history; `suite-demo trickle` keeps live answers coming."""
import os
import threading
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path

import click
from chassis.cli import CliError, progress, run_cli
from chassis.kafka import KafkaPublisher, PublishError, stop_on_signals

from suite_demo import structure
from suite_demo.history import history
from suite_demo.live import trickle


def _publisher() -> KafkaPublisher:
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    return KafkaPublisher(servers, client_id="suite-demo", timeout_s=30)


def _batches(items, size: int):
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


@click.group()
def cli() -> None:
    """Demo data for the feedback suite, sent through Kafka as the real producers send it."""


@cli.command()
@click.option("--weeks", default=52, show_default=True, type=click.IntRange(1, 520))
@click.option("--seed", default=2024, show_default=True, type=int, help="Same seed, same history.")
@click.option("--now", type=click.DateTime(), default=None, help="End of the history (UTC); default now.")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("var"),
              show_default=True, envvar="DEMO_STATE_DIR", help="Where the 'already seeded' marker lives.")
@click.option("--force", is_flag=True, help="Seed even if this state dir says it was done.")
@click.option("--analysis-url", envvar="ANALYSIS_PUBLIC_URL", default=None,
              help="analysis-svc, to record the councils and their reorganisation (admin API).")
@click.option("--admin-token", envvar="ADMIN_TOKEN", default=None, help="analysis-svc's admin token.")
def seed(weeks: int, seed: int, now: datetime | None, state_dir: Path, force: bool,
         analysis_url: str | None, admin_token: str | None) -> None:
    """Record the councils' structure in analysis-svc (when it is given and lacks it), then
    publish `weeks` of backdated invitations and answers, once per state dir."""
    end = (now or datetime.now(timezone.utc)).replace(tzinfo=timezone.utc)
    if analysis_url and admin_token:
        try:
            click.echo(f"demo structure: {structure.record(analysis_url, admin_token, end.date())}")
        except structure.StructureNotRecorded as err:  # the history is worth having without it
            click.echo(f"demo structure not recorded: {err}", err=True)
    marker = state_dir / "demo-seeded"
    if marker.exists() and not force:
        click.echo(f"demo history already published ({marker}); --force to publish again")
        return
    publisher, sent = _publisher(), 0
    try:
        for batch in progress(_batches(history(seed, end, weeks), 2000), desc="demo batches"):
            publisher.publish_many(batch)
            sent += len(batch)
    except PublishError as err:
        raise CliError(f"could not publish the demo history: {err}") from None
    finally:
        publisher.close()
    state_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{datetime.now(timezone.utc).isoformat()} seed={seed} weeks={weeks} events={sent}\n")
    click.echo(f"published {sent} demo events ({weeks} weeks)")


@cli.command(name="trickle")
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(0.01, 3600))
@click.option("--count", default=None, type=click.IntRange(1), help="Stop after this many tickets.")
def trickle_cmd(interval: float, count: int | None) -> None:
    """Publish a live ticket (and usually its answer) every interval until stopped."""
    stop, publisher = threading.Event(), _publisher()
    stop_on_signals(stop)
    try:
        sent = trickle(publisher.publish_many, stop, interval_s=interval, count=count)
    except PublishError as err:
        raise CliError(f"could not publish: {err}") from None
    finally:
        publisher.close()
    click.echo(f"published {sent} live tickets")


def main() -> None:
    run_cli(cli)
