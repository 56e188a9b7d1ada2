"""The scheduled board report: the worker's loop and `analysis-svc reports schedule ...`."""
import logging
import threading

import click

from chassis.cli import CliError

from analysis_svc.domain.commands import SendScheduledReport

log = logging.getLogger(__name__)
CHECK_EVERY_S = 30.0


def run_due(bus) -> object:
    """Send the due moment's report if it has not been sent (ScheduledReportFailed is logged)."""
    from analysis_svc.reports.schedule import ScheduledReportFailed
    try:
        return bus.handle(SendScheduledReport())
    except ScheduledReportFailed:
        return None  # recorded as failed and logged with the reason; the next moment is tried


def run_forever(bus, stop: threading.Event, interval_s: float = CHECK_EVERY_S) -> None:
    """Check by the bus's clock until `stop`; a database hiccup waits for the next check."""
    while not stop.is_set():
        try:
            run_due(bus)
        except Exception:
            log.exception("scheduled board report check failed; trying again")
        stop.wait(interval_s)


def reports_group(make_bus) -> click.Group:
    """`reports schedule run [--now]` and `reports schedule show`, over make_bus()."""
    @click.group("reports")
    def reports():
        """The board report by email on a schedule (REPORT_SCHEDULE, REPORT_RECIPIENTS)."""

    @reports.group("schedule")
    def schedule():
        """The scheduled board report."""

    @schedule.command("run")
    @click.option("--now", is_flag=True, help="Send it now, whatever the schedule says.")
    def run(now):
        """Send the due scheduled report (once per moment), or with --now at once."""
        from analysis_svc.reports.schedule import ScheduledReportFailed
        bus = make_bus()
        try:
            sent = bus.handle(SendScheduledReport(now=now))
        except ScheduledReportFailed as err:
            raise CliError(str(err)) from None
        finally:
            bus.close()
        if sent is None:
            click.echo("nothing due (no REPORT_SCHEDULE, or this moment was already sent)")
            return
        click.echo(f"sent the board report for {sent.period.start} to {sent.period.end}: "
                   f"{len(sent.recipients)} recipient(s), {len(sent.partners)} partner summary(ies)")

    @schedule.command("show")
    def show():
        """The schedule, its next moment and the last runs."""
        from analysis_svc.adapters.report_runs import ReportRuns
        bus = make_bus()
        try:
            parsed = bus.settings.schedule()
            if parsed is None:
                click.echo("REPORT_SCHEDULE is not set")
            else:
                click.echo(f"{parsed.text} (zone {parsed.zone}); next: "
                           f"{parsed.next_after(bus.clock.now()):%Y-%m-%d %H:%M} UTC")
            for run_row in ReportRuns(bus.sessions).listing():
                click.echo(f"{run_row['scheduled_for']:%Y-%m-%d %H:%M} {run_row['trigger']:8} "
                           f"{run_row['status']:7} {run_row['detail'] or ''}")
        finally:
            bus.close()

    return reports
