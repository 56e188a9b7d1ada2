"""Retention periods: parsed and validated once, counted back in calendar months, one cutoff per
data class, and the vault's month."""
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from chassis.privacy.retention import (Period, RetentionSettings, as_period, cutoffs, month_of)
from chassis.privacy.retention_runs import is_due
from chassis.privacy.sweeps import KeyVaultSweep
from chassis.settings import BaseSettings, SettingsError, from_env


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@dataclass(frozen=True, kw_only=True)
class Example(BaseSettings, RetentionSettings):
    pass


@pytest.mark.parametrize("raw, period", [
    ("24 months", Period(24, "months")), ("90 days", Period(90, "days")),
    ("1 Year", Period(1, "years")), (" 6 weeks ", Period(6, "weeks")), ("30day", Period(30, "days")),
])
def test_periods_are_read_as_people_write_them(raw, period):
    assert as_period(raw) == period


@pytest.mark.parametrize("raw", ["24", "two years", "0 days", "-3 months", "24 fortnights",
                                 "101 years", "24 months 3 days"])
def test_a_bad_period_is_refused(raw):
    with pytest.raises(ValueError):
        as_period(raw)


@pytest.mark.parametrize("period, moment, before", [
    (Period(24, "months"), at(2026, 3, 31, 12), at(2024, 3, 31, 12)),
    (Period(1, "months"), at(2026, 3, 31, 12), at(2026, 2, 28, 12)),  # no 31 February
    (Period(24, "months"), at(2026, 2, 28, 9), at(2024, 2, 28, 9)),
    (Period(1, "years"), at(2028, 2, 29, 0), at(2027, 2, 28, 0)),
    (Period(13, "months"), at(2026, 1, 15, 8, 30), at(2024, 12, 15, 8, 30)),
    (Period(90, "days"), at(2026, 3, 31, 12), at(2025, 12, 31, 12)),
    (Period(2, "weeks"), at(2026, 3, 1), at(2026, 2, 15)),
])
def test_a_period_counts_back_in_calendar_units(period, moment, before):
    assert period.before(moment) == before


def test_defaults_are_the_issues_and_each_class_has_its_cutoff():
    settings = from_env(Example, {})
    now = at(2026, 3, 31, 12)
    assert cutoffs(settings, now) == {
        "contact_details": at(2024, 3, 31, 12), "comments": at(2024, 3, 31, 12),
        "unmatched_replies": at(2025, 12, 31, 12), "delivered": at(2026, 3, 1, 12),
        "access_audit": at(2024, 3, 31, 12)}


def test_settings_come_from_the_environment_and_name_a_bad_variable():
    settings = from_env(Example, {"RETENTION_COMMENTS": "18 months",
                                  "RETENTION_DELIVERED": "7 days"})
    assert settings.retention_comments == Period(18, "months")
    assert settings.retention_delivered == Period(7, "days")
    with pytest.raises(SettingsError, match="RETENTION_UNMATCHED_REPLIES"):
        from_env(Example, {"RETENTION_UNMATCHED_REPLIES": "soon"})


def test_the_promise_is_the_longest_personal_period_in_words():
    assert from_env(Example, {}).longest_personal_period.in_largest_unit() == Period(2, "years")
    longer = from_env(Example, {"RETENTION_CONTACT_DETAILS": "800 days"})
    assert longer.longest_personal_period == Period(800, "days")
    assert str(Period(18, "months").in_largest_unit()) == "18 months"
    assert str(Period(1, "years")) == "1 year"


class Vault:
    def __init__(self):
        self.shredded = []

    def shred_before(self, month: str) -> int:
        self.shredded.append(month)
        return 3


def test_vault_keys_go_for_the_months_wholly_past_the_longest_period():
    vault = Vault()
    limits = {"contact_details": at(2024, 3, 31, 12), "comments": at(2024, 1, 15)}
    assert KeyVaultSweep(vault).expire(limits) == 3
    # January's key also sealed data from after the 15 January cutoff: only earlier months go.
    assert vault.shredded == ["2024-01"] and month_of(at(2024, 1, 31)) == "2024-01"


def test_a_worker_runs_once_a_day():
    assert is_due(None, at(2026, 3, 31))
    assert not is_due(at(2026, 3, 30, 12), at(2026, 3, 31, 11, 59))
    assert is_due(at(2026, 3, 30, 12), at(2026, 3, 31, 12))
