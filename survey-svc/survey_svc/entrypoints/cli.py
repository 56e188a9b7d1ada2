"""survey-svc: serve, worker, import, policy, opt-out/opt-in, dispatch."""
import json
import sys
import threading
from pathlib import Path

import click

from chassis.backup_cli import backup_group, bus_settings
from chassis.cli import CliError, run_cli
from chassis.db_cli import db_group
from chassis.dlq_cli import dlq_group
from chassis.privacy.audit_cli import audit_group
from chassis.privacy.retention_cli import retention_group
from contracts import topics
from survey_svc.entrypoints.connectors_cli import connectors_group
from survey_svc.entrypoints.erasure_cli import erasure_group
from survey_svc.entrypoints.import_cli import imports
from survey_svc.entrypoints.mapping_cli import mapping
from survey_svc.entrypoints.preview_cli import preview_command
from survey_svc.entrypoints.subject_access_cli import subject_access_command


def _bus(settings=None, **kwargs):
    """The message bus with every adapter wired (bootstrap.build)."""
    from survey_svc import bootstrap
    return bootstrap.build(settings, **kwargs)


@click.group()
def cli():
    """Decide, send and track post-ticket surveys."""


@cli.command()
def serve():
    """Run the HTTP API."""
    from chassis.logs import configure_logging
    from chassis.serve import serve as run_server
    from survey_svc.app import create_app
    bus = _bus()  # migrates once, before any process starts
    settings = bus.settings
    bus.close()
    configure_logging("survey-svc", settings.log_level)
    run_server(lambda: create_app(_bus(settings, migrate_db=False)), settings.bind)


@cli.command()
def worker():
    """Consume tickets and answers, send due mail, publish lifecycle events."""
    from chassis.kafka import stop_on_signals
    from chassis.logs import configure_logging
    from survey_svc.entrypoints import worker as background
    bus = _bus()
    configure_logging("survey-svc", bus.settings.log_level)
    stop = threading.Event()
    stop_on_signals(stop)
    try:
        background.run(bus, stop)
    finally:
        bus.close()


@cli.group()
def policy():
    """Show or change survey policy ('*' is the global default)."""


_ORGANISATION = click.option(
    "--organisation", default=None,
    help="An organisation id: with `set`, change that organisation's level (no DIRECTORATE); "
         "with `show`, the directorate's policy within it.")


def _organisation_id(value: str | None) -> str | None:
    from contracts.organisations import is_organisation_id
    if value is not None and not is_organisation_id(value):
        raise CliError(f"not an organisation id: {value!r}")
    return value


@policy.command("show")
@click.argument("directorate", default="*")
@_ORGANISATION
def policy_show(directorate, organisation):
    """Print a directorate's effective policy as JSON."""
    from survey_svc.service_layer.policies import policy_view
    view = policy_view(_bus().uow_factory(), directorate, _organisation_id(organisation))
    click.echo(json.dumps(view["effective"], indent=2))


def _scalar(value: str):
    """25, 12.5, true as JSON would give them to the API; anything else as text (then refused)."""
    try:
        return json.loads(value)
    except ValueError:
        return value


@policy.command("set")
@click.argument("assignments", nargs=-1, required=True)
@click.option("--by", "actor", required=True, help="Who is making the change (audited).")
@_ORGANISATION
def policy_set(assignments, actor, organisation):
    """DIRECTORATE NAME=VALUE..., e.g. Adults sampling_rate=50 excluded_categories=Password,Test
    (with --organisation ORG: NAME=VALUE... only)."""
    from marshmallow import ValidationError
    from survey_svc.domain.policy import PolicyInvalid
    from survey_svc.domain.commands import SetOrganisationPolicy, SetPolicy
    from survey_svc.entrypoints.api.schemas import PolicySchema
    organisation = _organisation_id(organisation)
    if organisation is None:
        directorate, *assignments = assignments
        if not assignments:
            raise CliError("give DIRECTORATE and at least one NAME=VALUE")
    raw = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise CliError(f"expected NAME=VALUE, got {item!r}")
        raw[name] = [v for v in value.split(",") if v] if name in (
            "excluded_categories", "test_accounts") else _scalar(value)
    try:
        changes = PolicySchema().load(raw)
        command = (SetOrganisationPolicy(organisation, changes, f"cli:{actor}") if organisation
                   else SetPolicy(directorate, changes, f"cli:{actor}"))
        result = _bus().handle(command)
    except ValidationError as err:
        raise CliError(f"invalid policy: {json.dumps(err.messages)}") from None
    except PolicyInvalid as err:
        raise CliError(f"invalid policy: {json.dumps(err.problems)}") from None
    click.echo(json.dumps(result.to_dict(), indent=2))


@cli.command("opt-out")
@click.argument("requester_id")
def opt_out(requester_id):
    """Never survey this requester again."""
    from survey_svc.domain.commands import OptOutRequester
    changed = _bus().handle(OptOutRequester(requester_id, source="cli"))
    click.echo("opted out" if changed else "already opted out")


@cli.command("opt-in")
@click.argument("requester_id")
def opt_in(requester_id):
    """Allow surveys to this requester again."""
    from survey_svc.domain.commands import OptInRequester
    changed = _bus().handle(OptInRequester(requester_id))
    click.echo("opted in" if changed else "was not opted out")


@cli.command()
def dispatch():
    """Send what is due now, once, and publish the lifecycle events."""
    from survey_svc.entrypoints.senders import senders_for
    bus = _bus()
    senders = senders_for(bus)
    try:
        done = senders.round(bus.settings.dispatch_batch)
    finally:
        senders.close()
    relayed = bus.relay.relay(limit=100_000)
    click.echo(json.dumps({**vars(done), "events_published": relayed}))


cli.add_command(audit_group(_bus))
# survey-svc reads these (and dead-letters what it cannot take from tickets.resolved)
cli.add_command(dlq_group(_bus, "survey-svc", (topics.TICKETS_RESOLVED, topics.FEEDBACK_RESPONSES,
                                              topics.PRIVACY_REQUESTS)))
cli.add_command(subject_access_command(_bus))
cli.add_command(erasure_group(_bus))
cli.add_command(imports)
cli.add_command(mapping)
cli.add_command(preview_command(_bus))
cli.add_command(connectors_group(_bus))


def _apply_retention(**fields):
    from survey_svc.domain.commands import ApplyRetention
    return ApplyRetention(**fields)


cli.add_command(retention_group(_bus, _apply_retention))
cli.add_command(backup_group(bus_settings(_bus), lambda s: ["survey-svc"]))  # worker.GROUP


def _settings():
    from survey_svc.config import Settings
    return Settings.from_env()


# compose's one-shot migrate service runs `survey-svc db upgrade` before any replica starts
cli.add_command(db_group(_settings, Path(__file__).parents[1] / "adapters" / "migrations"))


def main() -> None:
    sys.exit(run_cli(cli))
