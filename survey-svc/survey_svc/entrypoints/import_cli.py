"""survey-svc import: resolved tickets from a CSV file, in our columns or through a mapping."""
import sys

import click

from chassis.cli import CliError, progress


class _CsvByDefault(click.Group):
    """`import [--dry-run] FILE` (our columns, as before) is `import csv [--dry-run] FILE`."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["csv", *args]
        return super().parse_args(ctx, args)


@click.group("import", cls=_CsvByDefault)
def imports():
    """Backfill resolved tickets (one row per resolution)."""


@imports.command("csv")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--mapping", "mapping_name", default=None,
              help="A mapping file, or a shipped one (servicenow-csv, ...): the tool's own "
                   "export. Without it, the columns of README's CSV format.")
@click.option("--dry-run", is_flag=True, help="Validate and report only; change nothing.")
def import_csv(csv_file, mapping_name, dry_run):
    """Import a CSV file: our columns, or a service desk's export through --mapping."""
    from survey_svc import bootstrap
    from survey_svc.connectors.csv_rows import import_mapped_rows
    from survey_svc.connectors.mapping import Mapping, MappingFileError
    from survey_svc.entrypoints.csv_import import Summary, import_rows
    bar = lambda rows: progress(rows, desc="tickets", unit="row")  # noqa: E731
    if mapping_name:
        try:
            mapping = Mapping.load(mapping_name)
        except MappingFileError as err:
            raise CliError(str(err)) from None
        summary = import_mapped_rows(csv_file, bootstrap.build(), mapping, Summary(),
                                     dry_run=dry_run, progress=bar)
    else:
        summary = import_rows(csv_file, bootstrap.build(), dry_run=dry_run, progress=bar)
    _report(summary, dry_run)


def _report(summary, dry_run: bool) -> None:
    verb = "would import" if dry_run else "imported"
    taken = summary.rows - len(summary.rejected) - summary.not_resolved
    skipped = f", not resolved {summary.not_resolved}" if summary.not_resolved else ""
    click.echo(f"{summary.rows} rows: {verb} {taken}, "
               f"surveyed {summary.surveyed}, not surveyed {summary.not_surveyed}, "
               f"duplicates {summary.duplicates}, cancelled {summary.cancelled}{skipped}, "
               f"rejected {len(summary.rejected)}")
    for line_no, why in summary.rejected:
        click.echo(f"  line {line_no}: {why}")
    if summary.rejected:
        sys.exit(1)
