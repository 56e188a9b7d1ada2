"""How the dashboard words a write-back's state and the team's follow-up (#13)."""
from datetime import datetime, timezone

from analysis_svc.entrypoints.web.presenters import follow_up_text, write_back_text

AT = datetime(2026, 3, 2, 9, 20, tzinfo=timezone.utc)


def trail(**extra) -> dict:
    return {"tool": "rt", "ticket_id": "123", "status": "delivered", "status_at": AT,
            "reopened": False, "reason": None, "attempts": 0, "next_attempt_at": None,
            "followed_up_at": None, "follow_up": None} | extra


def test_a_delivered_note_names_the_ticket_and_when():
    assert write_back_text(trail()) == "Note added to ticket RT#123 at 02 Mar 2026 09:20."
    assert write_back_text(trail(reopened=True, tool="servicenow", ticket_id="INC0010023")) == (
        "Note added to ticket INC0010023 and the ticket reopened at 02 Mar 2026 09:20.")


def test_a_failing_note_says_why_and_whether_it_will_be_tried_again():
    retrying = trail(status="retrying", tool="servicenow", ticket_id="INC1",
                     reason="note: HTTP 503", attempts=2, next_attempt_at=AT)
    assert write_back_text(retrying) == ("Could not reach ServiceNow for ticket INC1: note: "
                                         "HTTP 503 (will retry, next try 02 Mar 2026 09:20; 2 "
                                         "attempts so far).")
    parked = write_back_text(trail(status="parked", reason="note: HTTP 403", attempts=12))
    assert parked.startswith("Request Tracker did not take the note for ticket RT#123 after 12 "
                             "attempts: note: HTTP 403. It is parked")


def test_the_teams_follow_up_is_shown_only_when_there_is_one():
    assert follow_up_text(trail()) is None
    assert follow_up_text(trail(followed_up_at=AT, follow_up="Comment added in Request Tracker")) \
        == "The team's follow-up: Comment added in Request Tracker, 02 Mar 2026 09:20."
