"""Weeks and months are cut at local midnight in REPORTING_TIMEZONE (Europe/London by default)."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from chassis.settings import SettingsError
from chassis.testing import FakePublisher

from analysis_svc.adapters.orm import responses, rollups
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.periods import month_of, week_of
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import record, response

LONDON = ZoneInfo("Europe/London")
# 23:30 UTC on Tuesday 31 March 2026 is 00:30 BST on Wednesday 1 April.
LATE_MARCH = datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc)
# 23:30 UTC on Sunday 14 June 2026 is 00:30 BST on Monday 15 June: the next ISO week.
SUNDAY_NIGHT = datetime(2026, 6, 14, 23, 30, tzinfo=timezone.utc)
# In winter London is on GMT: 23:30 UTC on 31 December stays in December.
NEW_YEARS_EVE = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)


def test_periods_follow_british_summer_time():
    assert month_of(LATE_MARCH) == "2026-03" and month_of(LATE_MARCH, LONDON) == "2026-04"
    assert week_of(SUNDAY_NIGHT) == "2026-W24" and week_of(SUNDAY_NIGHT, LONDON) == "2026-W25"
    assert month_of(NEW_YEARS_EVE, LONDON) == "2026-12" and week_of(NEW_YEARS_EVE, LONDON) == "2026-W53"


@pytest.mark.parametrize("zone, month, week", [(None, "2026-04", "2026-W14"),
                                               ("UTC", "2026-03", "2026-W14")])
def test_the_consumer_cuts_rollups_in_the_reporting_zone(tmp_path, analyser, zone, month, week):
    extra = {"reporting_timezone": zone} if zone else {}
    services = build(Settings(database_url=f"sqlite:///{tmp_path / 'tz.db'}", **extra),
                         analyser=analyser, publisher=FakePublisher())
    handle_records(services, [record(response("r1", submitted_at=LATE_MARCH))])
    with services.sessions() as session:
        stored = session.execute(select(responses.c.week, responses.c.month)).one()
        cells = set(session.execute(select(rollups.c.period_kind, rollups.c.period)))
    assert tuple(stored) == (week, month)
    assert cells == {("week", week), ("month", month)}
    services.close()


def test_an_unknown_zone_is_refused_in_one_line():
    with pytest.raises(SettingsError, match="REPORTING_TIMEZONE: must be an IANA time zone"):
        Settings.from_env({"REPORTING_TIMEZONE": "Mars/Olympus", "PRIVACY_MASTER_KEY": "m" * 32})


def test_comment_date_filters_take_local_days(tmp_path, analyser):
    from analysis_svc.read_model import ResponseFilters, responses_page
    services = build(Settings(database_url=f"sqlite:///{tmp_path / 'days.db'}"),
                         analyser=analyser, publisher=FakePublisher())
    handle_records(services, [record(response("r1", submitted_at=LATE_MARCH))])
    april_first = datetime(2026, 4, 1).date()
    with services.sessions() as session:
        local = responses_page(session, None, ResponseFilters(start=april_first, end=april_first,
                                                              zone=services.settings.zone))
        utc = responses_page(session, None, ResponseFilters(start=april_first, end=april_first))
    assert [r["response_id"] for r in local["items"]] == ["r1"] and utc["items"] == []
    services.close()
