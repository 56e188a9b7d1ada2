"""Follow-up rules and loop-closure measures (plain domain code)."""
from datetime import datetime, timedelta, timezone

import pytest

from analysis_svc.domain.followup import InvalidFollowUp, follow_up, loop_closure

AT = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
DETRACTOR = {"response_id": "r1", "directorate": "Adults", "score": 2, "submitted_at": AT}


def test_follow_up_keeps_note_who_and_time_taken():
    record = follow_up(DETRACTOR, "  Rang them back  ", "ASC partner", AT + timedelta(hours=30))
    assert (record.note, record.followed_up_by, record.hours_taken) == ("Rang them back", "ASC partner", 30.0)


@pytest.mark.parametrize("note, response, message", [
    ("", DETRACTOR, "Enter a note"),
    ("x" * 2001, DETRACTOR, "2000 characters"),
    ("ok", {**DETRACTOR, "score": 4}, "Only detractors"),
])
def test_follow_up_refuses_bad_input(note, response, message):
    with pytest.raises(InvalidFollowUp, match=message):
        follow_up(response, note, "me", AT)


def test_loop_closure_rate_and_median_and_suppression():
    assert loop_closure(10, [2.0, 4.0, 30.0], 5).rate == 0.3
    assert loop_closure(10, [2.0, 4.0, 30.0], 5).median_hours == 4.0
    small = loop_closure(3, [1.0], 5)
    assert small.rate is None and small.median_hours is None
    assert loop_closure(5, [], 5).rate == 0.0
