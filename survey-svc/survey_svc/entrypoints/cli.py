"""survey-svc: serve, worker, import, policy, opt-out/opt-in, dispatch."""
import json
import sys
import threading

import click

from chassis.cli import CliError, progress, run_cli


def _services():
    from survey_svc import bootstrap
    from survey_svc.config import Settings
    return bootstrap.build(Settings.from_env())


@click.group()
def cli():
    """Decide, send and track post-ticket surveys."""


@cli.command()
def serve():
    """Run the HTTP API."""
    from chassis.logs import configure_logging
    from chassis.serve import serve as run_server
    from survey_svc.app import create_app
    from survey_svc.config import Settings
    settings = Settings.from_env()
    configure_logging("survey-svc", settings.log_level)
    run_server(lambda: create_app(settings), settings.bind)


@cli.command()
def worker():
    """Consume tickets and answers, send due mail, publish lifecycle events."""
    from chassis.kafka import stop_on_signals
    from chassis.logs import configure_logging
    from survey_svc.entrypoints import worker as background
    services = _services()
    configure_logging("survey-svc", services.settings.log_level)
    stop = threading.Event()
    stop_on_signals(stop)
    background.run(services, stop)


@cli.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--dry-run", is_flag=True, help="Validate and report only; change nothing.")
def import_csv(csv_file, dry_run):
    """Backfill resolved tickets from a CSV file (one row per resolution)."""
    from survey_svc.entrypoints.csv_import import import_rows
    summary = import_rows(csv_file, _services(), dry_run=dry_run,
                          progress=lambda rows: progress(rows, desc="tickets", unit="row"))
    verb = "would import" if dry_run else "imported"
    click.echo(f"{summary.rows} rows: {verb} {summary.rows - len(summary.rejected)}, "
               f"surveyed {summary.surveyed}, not surveyed {summary.not_surveyed}, "
               f"duplicates {summary.duplicates}, cancelled {summary.cancelled}, "
               f"rejected {len(summary.rejected)}")
    for line_no, why in summary.rejected:
        click.echo(f"  line {line_no}: {why}")
    if summary.rejected:
        sys.exit(1)


@cli.group()
def policy():
    """Show or change survey policy ('*' is the global default)."""


@policy.command("show")
@click.argument("directorate", default="*")
def policy_show(directorate):
    """Print a directorate's effective policy as JSON."""
    from survey_svc.service_layer.policies import current_policy
    with _services().uow() as uow:
        click.echo(json.dumps(current_policy(uow, directorate).to_dict(), indent=2))


@policy.command("set")
@click.argument("directorate")
@click.argument("assignments", nargs=-1, required=True)
@click.option("--by", "actor", required=True, help="Who is making the change (audited).")
def policy_set(directorate, assignments, actor):
    """Set NAME=VALUE pairs, e.g. sampling_rate=50 excluded_categories=Password,Test."""
    from marshmallow import ValidationError
    from survey_svc.domain.policy import PolicyInvalid
    from survey_svc.entrypoints.api.schemas import PolicySchema
    from survey_svc.service_layer.policies import set_policy
    raw = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise CliError(f"expected NAME=VALUE, got {item!r}")
        raw[name] = [v for v in value.split(",") if v] if name in (
            "excluded_categories", "test_accounts") else value
    try:
        changes = PolicySchema().load(raw)
        services = _services()
        result = set_policy(services.uow(), services.clock, directorate, changes, f"cli:{actor}")
    except ValidationError as err:
        raise CliError(f"invalid policy: {json.dumps(err.messages)}") from None
    except PolicyInvalid as err:
        raise CliError(f"invalid policy: {json.dumps(err.problems)}") from None
    click.echo(json.dumps(result.to_dict(), indent=2))


@cli.command("opt-out")
@click.argument("requester_id")
def opt_out(requester_id):
    """Never survey this requester again."""
    from survey_svc.service_layer.answers import opt_out_requester
    services = _services()
    changed = opt_out_requester(services.uow(), services.clock, requester_id, source="cli")
    click.echo("opted out" if changed else "already opted out")


@cli.command("opt-in")
@click.argument("requester_id")
def opt_in(requester_id):
    """Allow surveys to this requester again."""
    from survey_svc.service_layer.answers import opt_in_requester
    changed = opt_in_requester(_services().uow(), requester_id)
    click.echo("opted in" if changed else "was not opted out")


@cli.command()
def dispatch():
    """Send what is due now, once, and publish the lifecycle events."""
    from chassis.outbox import OutboxRelay
    from survey_svc.entrypoints.senders import senders_for
    services = _services()
    senders = senders_for(services)
    try:
        done = senders.round(services.settings.dispatch_batch)
    finally:
        senders.close()
    relayed = OutboxRelay(services.sessions, services.publisher).relay(limit=100_000)
    click.echo(json.dumps({**vars(done), "events_published": relayed}))


def main() -> None:
    sys.exit(run_cli(cli))
