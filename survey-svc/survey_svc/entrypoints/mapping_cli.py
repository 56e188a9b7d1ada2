"""survey-svc mapping check: the ticket a mapping file makes of a sample payload."""
import json
import sys

import click


@click.group("mapping")
def mapping():
    """Check a service desk mapping file."""


@mapping.command("check")
@click.argument("mapping_file")
@click.option("--payload", "payload_file", required=True, type=click.File("r", encoding="utf-8"),
              help="A sample payload (JSON) as the service desk sends it.")
def check(mapping_file, payload_file):
    """Print the ticket MAPPING_FILE makes of the payload, or the field it cannot find."""
    from survey_svc.connectors.intake import MappingError, NotResolved, command_for
    from survey_svc.connectors.mapping import Mapping, MappingFileError
    from survey_svc.domain.commands import ReopenTicket
    try:
        found = Mapping.load(mapping_file)
        payload = json.load(payload_file)
        command = command_for(found, payload)
    except (MappingFileError, MappingError, NotResolved) as err:
        _fail(str(err))
    except ValueError as err:  # the sample is not JSON
        _fail(f"payload: not JSON ({err})")
    if isinstance(command, ReopenTicket):
        click.echo(json.dumps({"reopened": True, "ticket_id": command.ticket_id,
                               "resolution": command.resolution}, indent=2))
        return
    click.echo(json.dumps(found.apply(payload), indent=2, ensure_ascii=False))


def _fail(message: str):
    click.echo(f"mapping check failed: {message}", err=True)
    sys.exit(1)
