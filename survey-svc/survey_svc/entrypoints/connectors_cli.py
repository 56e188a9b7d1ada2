"""`survey-svc connectors`: list, poll (with --since for a backfill), deliver write-backs."""
import json

import click

from chassis.cli import CliError


def connectors_group(make_bus) -> click.Group:
    @click.group("connectors")
    def group():
        """The pull connectors of SURVEY_CONNECTORS_FILE: their state, a poll, write-backs."""

    @group.command("list")
    def list_():
        """Each connector: kind, checkpoint, last success, failures, write-backs by status."""
        bus = make_bus()
        with bus.uow_factory() as uow:
            states = {s.connector: s for s in uow.checkpoints.all()}
            counts = uow.writebacks.counts()
        for name, connector in bus.connectors.items():
            state = states.get(name)
            click.echo(json.dumps({
                "connector": name, "kind": connector.kind, "interval_s": connector.interval_s,
                "checkpoint": _iso(state and state.checkpoint),
                "last_success_at": _iso(state and state.last_success_at),
                "failures": state.failures if state else 0,
                "last_error": state and state.last_error,
                "writebacks": {s: n for (c, s), n in counts.items() if c == name}}))

    @group.command()
    @click.argument("name")
    @click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
                  help="Backfill: read from this date (UTC) instead of the checkpoint.")
    def poll(name, since):
        """Poll one connector now; each resolution is still decided once."""
        from datetime import timezone

        from survey_svc.domain.commands import PollConnector
        from survey_svc.service_layer.pulling import UnknownConnector
        try:
            result = make_bus().handle(PollConnector(
                name, since.replace(tzinfo=timezone.utc) if since else None))
        except UnknownConnector as err:
            raise CliError(str(err)) from None
        click.echo(json.dumps({**vars(result), "checkpoint": _iso(result.checkpoint)}))

    @group.command()
    @click.option("--limit", default=100, show_default=True)
    def deliver(limit):
        """Send the notes and reopens that are due now, once."""
        from survey_svc.domain.commands import DeliverWriteBacks
        click.echo(json.dumps(vars(make_bus().handle(DeliverWriteBacks(limit=limit)))))

    return group


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
