"""A service desk's CSV export through a mapping: each row a flat dict, decided on its own."""
import csv

from survey_svc.connectors.intake import MappingError, NotResolved, command_for
from survey_svc.connectors.mapping import Mapping
from survey_svc.domain.commands import ReopenTicket


def row_payload(row: dict) -> dict:
    """Column name -> cell; empty cells are absent, so a mapping's default applies."""
    return {k.strip(): v.strip() for k, v in row.items() if k and v and v.strip()}


def import_mapped_rows(lines, bus, mapping: Mapping, summary, *, dry_run: bool, progress=iter):
    """Rows into `summary` (entrypoints.csv_import.Summary); rejected rows name their field."""
    for line_no, row in progress(enumerate(csv.DictReader(lines), start=2)):
        summary.rows += 1
        try:
            command = command_for(mapping, row_payload(row))
        except NotResolved:
            summary.not_resolved += 1
            continue
        except MappingError as err:
            summary.rejected.append((line_no, str(err)))
            continue
        if dry_run:
            continue
        if isinstance(command, ReopenTicket):
            summary.cancelled += bus.handle(command)
            continue
        outcome = bus.handle(command)
        summary.duplicates += outcome.duplicate
        summary.surveyed += outcome.surveyed and not outcome.duplicate
        summary.not_surveyed += not outcome.surveyed and not outcome.duplicate
    return summary
