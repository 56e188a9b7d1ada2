"""`survey-svc erasure request --email X | --requester-id Y` and `survey-svc erasure status ID`."""
import json

import click

from chassis.cli import CliError


def erasure_group(make_bus) -> click.Group:
    """The erasure commands, on the bus make_bus() wires."""

    @click.group("erasure")
    def erasure():
        """Erase a person everywhere on request, and follow the request."""

    @erasure.command("request")
    @click.option("--email", help="The person's email address.")
    @click.option("--requester-id", help="The person's requester id in the ITSM.")
    @click.option("--by", "actor", default="cli", show_default=True, help="Who asks (recorded).")
    def request(email, requester_id, actor):
        """Erase one person (exactly one of --email, --requester-id); prints the request."""
        from marshmallow import ValidationError
        from survey_svc.domain.commands import RequestErasure
        from survey_svc.entrypoints.api.erasure_schemas import ErasureAskSchema
        given = {k: v for k, v in (("email", email), ("requester_id", requester_id)) if v}
        try:
            args = ErasureAskSchema().load(given)
        except ValidationError as err:
            raise CliError(f"invalid request: {json.dumps(err.messages)}") from None
        bus = make_bus()
        try:
            view, created = bus.handle(RequestErasure(args.get("email"), args.get("requester_id"),
                                                      f"cli:{actor}"))
            _publish_now(bus)
        finally:
            bus.close()
        click.echo(json.dumps({**view, "created": created}, indent=2, default=str))

    @erasure.command("status")
    @click.argument("request_id")
    def status(request_id):
        """Print a request's progress in each service and its overall status."""
        from survey_svc.service_layer.erasure import show_erasure
        bus = make_bus()
        try:
            view = show_erasure(bus.uow_factory(), request_id)
        finally:
            bus.close()
        if view is None:
            raise CliError(f"no erasure request {request_id}")
        click.echo(json.dumps(view, indent=2, default=str))

    return erasure


def _publish_now(bus) -> None:
    """Send `erasure.requested` now; with the broker away, the worker's relay sends it later."""
    try:
        bus.relay.relay()
    except Exception as err:  # the request is recorded; only its announcement waits
        click.echo(f"erasure.requested waits in the outbox ({type(err).__name__}); "
                   "the worker will publish it", err=True)
