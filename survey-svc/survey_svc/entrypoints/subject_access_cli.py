"""`survey-svc subject-access --email X [--requester-id Y]`: the subject-access document."""
import json

import click

from chassis.cli import CliError
from chassis.privacy.audit_cli import cli_actor


def subject_access_command(make_bus) -> click.Command:
    """The command, on the bus make_bus() wires."""

    @click.command("subject-access")
    @click.option("--email", help="The person's email address.")
    @click.option("--requester-id", help="The person's requester id in the ITSM.")
    def subject_access(email, requester_id):
        """Print everything every service holds about a person as JSON (exit 2 when a service
        could not be asked: the document says which)."""
        from marshmallow import ValidationError
        from survey_svc.domain.subject_access import AnswerSubjectAccess
        from survey_svc.entrypoints.api.subject_access_schemas import SubjectAccessQuery
        given = {k: v for k, v in (("email", email), ("requester_id", requester_id)) if v}
        try:
            args = SubjectAccessQuery().load(given)
        except ValidationError as err:
            raise CliError(f"invalid request: {json.dumps(err.messages)}") from None
        bus = make_bus()
        try:
            found = bus.handle(AnswerSubjectAccess(args.get("email"), args.get("requester_id"),
                                                   cli_actor()))
        finally:
            bus.close()
        click.echo(json.dumps(found, indent=2, default=str))
        if not found["complete"]:
            raise CliError("incomplete: " + "; ".join(
                f"{m['service']} {m['reason']}" for m in found["missing"]))

    return subject_access
