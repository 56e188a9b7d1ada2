"""Retention in survey-svc: contact details, published events, the access audit, vault keys.

What goes is in adapters/retention.py (the sweeps wired in bootstrap); this handler decides the
cutoffs, from the RETENTION_* settings and the longest throttle any directorate uses, and adds
the key vault's shredding (chassis.privacy.vault) when one is wired.
"""
from datetime import timedelta

from chassis.privacy.retention import cutoffs
from chassis.privacy.retention_runs import RetentionRun, run_retention
from chassis.privacy.sweeps import KeyVaultSweep
from survey_svc.domain.commands import ApplyRetention
from survey_svc.domain.policy import GLOBAL, Policy, effective

# The cutoff before which an invitation no longer counts for any directorate's throttle.
THROTTLE = "throttle"


def longest_throttle_days(uow) -> int:
    """The longest throttle of any directorate or organisation (#17): how far back the
    throttle still looks (a ticket's throttle is one of theirs or the defaults')."""
    overrides = uow.policies.all()
    defaults = effective(Policy(), overrides.get(GLOBAL) or {})
    levels = [o for name, o in overrides.items() if name != GLOBAL]
    levels += list(uow.organisation_policies.all().values())
    return max([defaults.throttle_days] + [o["throttle_days"] for o in levels
                                          if "throttle_days" in o])


def apply_retention(cmd: ApplyRetention, uow, clock, settings, retention_runs,
                    retention_sweeps, key_vault) -> RetentionRun:
    """Count, and unless a dry run remove, what is past its period; the run is recorded."""
    now = clock.now()
    with uow:
        throttle_days = longest_throttle_days(uow)
    limits = {**cutoffs(settings, now), THROTTLE: now - timedelta(days=throttle_days)}
    sweeps = tuple(retention_sweeps)
    if key_vault is not None:
        sweeps += (KeyVaultSweep(key_vault),)
    return run_retention(retention_runs, sweeps, limits, clock=clock, dry_run=cmd.dry_run,
                         trigger=cmd.trigger, progress=cmd.progress)
