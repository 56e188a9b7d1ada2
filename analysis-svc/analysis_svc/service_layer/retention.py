"""Retention in analysis-svc: comments, names, subjects, follow-up notes, alert mails, audit.

What goes is in adapters/retention.py (the sweeps wired in bootstrap); the periods are the
RETENTION_* settings, counted back from the bus's clock. Rollups are never touched.
"""
from chassis.privacy.retention import cutoffs
from chassis.privacy.retention_runs import RetentionRun, run_retention

from analysis_svc.domain.commands import ApplyRetention


def apply_retention(cmd: ApplyRetention, clock, settings, retention_runs,
                    retention_sweeps) -> RetentionRun:
    """Count, and unless a dry run remove, what is past its period; the run is recorded."""
    return run_retention(retention_runs, retention_sweeps, cutoffs(settings, clock.now()),
                         clock=clock, dry_run=cmd.dry_run, trigger=cmd.trigger,
                         progress=cmd.progress)
