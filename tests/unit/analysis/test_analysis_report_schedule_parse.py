"""REPORT_SCHEDULE: the documented cron subset and its words, moments in the named zone."""
from datetime import datetime, timezone

import pytest

from chassis.settings import SettingsError

from analysis_svc.config import Settings
from analysis_svc.domain.schedule import InvalidSchedule, parse_schedule
from analysis_svc.reports.schedule import month_before

UTC = timezone.utc


def test_monthly_on_the_2nd_at_eight_london_follows_summer_time():
    schedule = parse_schedule("monthly on the 2nd at 08:00 Europe/London")
    assert schedule.next_after(datetime(2026, 6, 1, tzinfo=UTC)) == datetime(2026, 6, 2, 7, tzinfo=UTC)
    assert schedule.next_after(datetime(2026, 12, 1, tzinfo=UTC)) == datetime(2026, 12, 2, 8, tzinfo=UTC)
    assert schedule.latest(datetime(2026, 12, 2, 8, 0, tzinfo=UTC)) == datetime(2026, 12, 2, 8, tzinfo=UTC)
    assert schedule.latest(datetime(2026, 12, 2, 7, 59, tzinfo=UTC)) == datetime(2026, 11, 2, 8, tzinfo=UTC)


def test_words_and_cron_fields_mean_the_same():
    assert parse_schedule("0 8 2 * * Europe/London").days == parse_schedule(
        "monthly on the 2nd at 08:00 Europe/London").days == frozenset({2})
    weekly = parse_schedule("weekly on monday at 07:30", "UTC")
    assert weekly.next_after(datetime(2026, 12, 2, tzinfo=UTC)) == datetime(2026, 12, 7, 7, 30, tzinfo=UTC)


def test_cron_steps_ranges_lists_and_either_day_field():
    schedule = parse_schedule("*/15 9-10 1,15 * 1", "UTC")
    assert schedule.minutes == {0, 15, 30, 45} and schedule.hours == {9, 10}
    # both day fields restricted: the 1st, the 15th or any Monday (cron's rule)
    assert schedule.next_after(datetime(2026, 12, 2, tzinfo=UTC)) == datetime(2026, 12, 7, 9, tzinfo=UTC)


def test_the_zone_defaults_to_the_reporting_time_zone():
    settings = Settings(report_schedule="daily at 06:00", reporting_timezone="Europe/Paris")
    assert settings.schedule().zone == "Europe/Paris"


@pytest.mark.parametrize("text,needle", [
    ("61 8 * * *", "minute '61'"),
    ("0 8 31 2 *", "never happens"),
    ("fortnightly on friday", "neither five cron fields"),
    ("0 8 2 * * Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
    ("0 8 x * *", "day of month 'x'"),
    ("*/0 8 * * *", "step of 0"),
])
def test_an_invalid_schedule_is_refused_naming_the_problem(text, needle):
    with pytest.raises(InvalidSchedule, match=needle):
        parse_schedule(text)


def test_an_invalid_schedule_is_refused_at_start_up_naming_the_variable():
    with pytest.raises(SettingsError, match=r"REPORT_SCHEDULE: .*day of month '32'"):
        Settings.from_env({"PRIVACY_MASTER_KEY": "k" * 44,
                           "REPORT_SCHEDULE": "monthly on the 32nd at 08:00"})


def test_the_report_covers_the_last_whole_month_before_the_moment():
    period = month_before(datetime(2026, 1, 2, 8, tzinfo=UTC), parse_schedule("daily at 08:00").tz)
    assert (str(period.start), str(period.end)) == ("2025-12-01", "2025-12-31")
