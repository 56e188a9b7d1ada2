"""`<svc> audit list`: the access audit on the command line, one JSON object per line."""
import getpass
import json
from datetime import datetime, timezone

import click


def cli_actor() -> str:
    """Who runs a CLI command: the operating-system user (the audit's actor for CLI reads)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # a container user without a passwd entry
        return "cli"


def _moment(_ctx, _param, value: str | None):
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use an ISO 8601 date or moment, e.g. 2026-01-31T09:00") from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def audit_group(make_bus) -> click.Group:
    """The `audit` command group over the bus `make_bus()` builds (closed after use)."""

    @click.group("audit")
    def audit():
        """Who read personal data (the access audit)."""

    @audit.command("list")
    @click.option("--since", callback=_moment, help="From this moment (ISO 8601; UTC by default).")
    @click.option("--until", callback=_moment, help="Before this moment.")
    @click.option("--actor", help="Part of the actor, e.g. token#3.")
    @click.option("--action", help="The action, e.g. responses.list.")
    @click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000))
    def list_entries(since, until, actor, action, limit):
        """Print entries newest first, one JSON object per line."""
        bus = make_bus()
        try:
            with bus.uow_factory() as uow:
                page = uow.access_audit.page(since=since, until=until, actor=actor,
                                             action=action, limit=limit)
        finally:
            bus.close()
        for entry in page["items"]:
            click.echo(json.dumps({**entry, "at": entry["at"].isoformat()}, sort_keys=True))

    return audit
