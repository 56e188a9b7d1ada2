"""`analysis-svc report --from --to --out FILE.pdf|.html`: the board report as a file."""
from datetime import date
from pathlib import Path

import click
from chassis.cli import CliError


def _day(ctx, param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD, e.g. 2026-01-31") from None


@click.command("report")
@click.option("--from", "start", required=True, callback=_day, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", required=True, callback=_day, help="Last day (YYYY-MM-DD).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write it: .pdf (via headless Chromium) or .html.")
@click.option("--directorate", "directorates", multiple=True, help="Only these directorates (default all).")
@click.option("--view", type=click.Choice(["as_was", "as_now"]), default="as_was", show_default=True,
              help="Directorates as they were when people answered, or as they are now (#17).")
def report(start: date, end: date, out: Path, directorates: tuple, view: str) -> None:
    """Write the scrutiny board report for a date range."""
    from analysis_svc.bootstrap import build
    from analysis_svc.domain.periods import local_day
    from analysis_svc.reports import board
    from analysis_svc.reports.render import RenderError, html_to_pdf, render_html
    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise CliError("--out must end in .pdf or .html")
    if start > end:
        raise CliError("--from must not be after --to")
    if not out.parent.exists():
        raise CliError(f"folder does not exist: {out.parent}")
    bus = build()
    try:
        with bus.sessions() as session:
            data = board.build(session, set(directorates) or None, board.Period(start, end),
                               bus.settings, view, local_day(bus.clock.now(), bus.settings.zone))
    finally:
        bus.close()
    html = render_html(data, standalone=True)
    if out.suffix.lower() == ".pdf":
        try:
            html_to_pdf(html, out, bus.settings.chromium_path)
        except RenderError as err:
            raise CliError(str(err)) from None
    else:
        out.write_text(html, encoding="utf-8")
    click.echo(f"wrote {out}")
