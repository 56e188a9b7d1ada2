from datetime import date, datetime, timezone

import pytest

from analysis_svc.domain.periods import month_of, period_start, previous, shift, week_of


def test_iso_weeks_and_months():
    moment = datetime(2026, 1, 1, 23, 30, tzinfo=timezone.utc)
    assert week_of(moment) == "2026-W01"
    assert month_of(moment) == "2026-01"
    assert week_of(date(2027, 1, 1)) == "2026-W53"


def test_period_start_previous_and_shift():
    assert period_start("week", "2026-W47") == date(2026, 11, 16)
    assert period_start("month", "2026-11") == date(2026, 11, 1)
    assert previous("week", "2026-W01") == "2025-W52"
    assert previous("month", "2026-01") == "2025-12"
    assert shift("month", "2026-03", 3) == "2025-12"


def test_bad_period_key():
    with pytest.raises(ValueError):
        period_start("week", "2026-11")
