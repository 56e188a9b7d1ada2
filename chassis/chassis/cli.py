"""Helpers for the services' click CLIs: one readable line and a non-zero exit on error."""
import sys

import click
from tqdm import tqdm

from chassis.settings import SettingsError


class CliError(Exception):
    """A user-facing CLI failure; printed as one line."""


def run_cli(group: click.Group, args=None) -> int:
    try:
        group.main(args=args, standalone_mode=False)
    except (SettingsError, CliError) as err:
        click.echo(f"error: {err}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as err:
        click.echo(f"error: {err.format_message()}", err=True)
        return err.exit_code
    return 0


def progress(iterable=None, total=None, desc=None, unit="it"):
    """A progress bar on stderr, quiet when stderr is not a terminal-friendly stream."""
    return tqdm(iterable, total=total, desc=desc, unit=unit, file=sys.stderr,
                disable=None, dynamic_ncols=True)
