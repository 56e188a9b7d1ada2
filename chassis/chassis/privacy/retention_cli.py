"""`<svc> retention run [--dry-run]` and `<svc> retention runs`: the same in every service."""
from functools import partial

import click

from chassis.cli import progress
from chassis.privacy.retention_runs import RetentionRun


def describe(run: RetentionRun) -> list[str]:
    """One line for the run, then one per data class: its cutoff and rows per target."""
    verb = "would remove" if run.dry_run else "removed"
    lines = [f"retention run {run.id} ({'dry run: nothing changed' if run.dry_run else 'applied'})"
             f": {verb} {run.total} in all"]
    for data_class, targets in run.counts.items():
        cutoff = run.cutoffs.get(data_class, "")
        found = ", ".join(f"{target} {n}" for target, n in targets.items())
        lines.append(f"  {data_class:<18} before {cutoff:<25}  {found}")
    return lines


def summary(run: RetentionRun) -> str:
    state = run.finished_at.isoformat() if run.finished_at else "did not finish"
    kind = "dry run" if run.dry_run else "applied"
    return (f"{run.id:>6}  {run.started_at.isoformat()}  {run.trigger:<6}  {kind:<7}  "
            f"{run.total:>8} rows  finished {state}")


def retention_group(make_bus, command) -> click.Group:
    """The `retention` group over the bus `make_bus()` builds (closed after use); `command` is
    the service's ApplyRetention(dry_run=, trigger=, progress=)."""

    @click.group("retention")
    def retention():
        """Let go of personal data past its retention period (RETENTION_* settings)."""

    @retention.command("run")
    @click.option("--dry-run", is_flag=True,
                  help="Count what would go and change nothing (the run is still recorded).")
    def run(dry_run):
        """Apply the retention periods now; prints what went per data class."""
        bus = make_bus()
        try:
            done = bus.handle(command(dry_run=dry_run, trigger="cli",
                                      progress=partial(progress, desc="retention", unit="row")))
        finally:
            bus.close()
        for line in describe(done):
            click.echo(line)

    @retention.command("runs")
    @click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
    def runs(limit):
        """List recent runs, newest first (every run is recorded, dry or not)."""
        bus = make_bus()
        try:
            recent = bus.retention_runs.recent(limit)
        finally:
            bus.close()
        for done in recent:
            click.echo(summary(done))

    return retention
