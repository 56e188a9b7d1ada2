"""Which answers go back to the ticket, with what note, reopening or not; a write-back's steps."""
from datetime import datetime, timedelta, timezone

import pytest

from survey_svc.domain.writeback import (DONE, FAILED, MAX_ATTEMPTS, PENDING, Answer, WriteBack,
                                         WriteBackRule, WriteBackRules, note_for, triggered)

AT = datetime(2026, 3, 2, 9, 15, tzinfo=timezone.utc)


def answer(score=1, resolved="no", comment="Nobody came", version=1) -> Answer:
    return Answer("resp-1", version, score, resolved, comment, AT)


@pytest.mark.parametrize("given, hits", [
    (answer(1, "yes", None), {"detractor"}),
    (answer(2, "not_sure", "  "), {"detractor"}),
    (answer(3, "no", None), {"not_resolved"}),
    (answer(5, "yes", "Great"), {"comment"}),
    (answer(4, None, None), set()),
])
def test_triggers(given, hits):
    assert triggered(given) == hits


def test_a_note_says_score_resolution_comment_and_why():
    note = note_for(answer(), "INC0010023", WriteBackRule())
    assert note.text.splitlines() == [
        "Customer satisfaction survey for INC0010023",
        "Score: 1 of 5 (very dissatisfied)",
        "Resolved: no",
        "Comment: Nobody came",
        "Noted because: detractor, not resolved",
        "Answered 2026-03-02 09:15 UTC (response resp-1, version 1)"]
    assert note.reopen is False


def test_an_amendment_says_so_and_an_unanswered_question_too():
    text = note_for(answer(2, None, None, version=3), "T-1", WriteBackRule()).text
    assert "(amended, version 3)" in text and "Resolved: not answered" in text
    assert "Comment" not in text.split("\n")[3]


def test_rules_choose_the_triggers_and_the_reopen_per_directorate():
    rules = WriteBackRules(
        default=WriteBackRule(on=frozenset({"detractor"})),
        directorates={"Housing": WriteBackRule(on=frozenset({"detractor", "comment"}),
                                               reopen=frozenset({"not_resolved"}))})
    promoter_with_comment = answer(5, "yes", "Thanks")
    assert note_for(promoter_with_comment, "T", rules.for_directorate("Finance")) is None
    assert note_for(promoter_with_comment, "T", rules.for_directorate("Housing")).reopen is False
    unhappy = note_for(answer(1, "no"), "T", rules.for_directorate("Housing"))
    assert unhappy.reopen is True  # not resolved reopens in Housing
    assert "Noted because: detractor, comment" in unhappy.text


def writeback(reopen=True) -> WriteBack:
    return WriteBack(id=1, response_id="r", version=1, connector="rt", ref="7", ticket_id="7",
                     note="text", reopen=reopen, created_at=AT, next_attempt_at=AT)


def test_each_step_is_done_once_and_the_note_dropped_when_delivered():
    wb = writeback()
    assert wb.steps_left == ["note", "reopen"]
    wb.step_done("note", AT)
    assert wb.steps_left == ["reopen"] and wb.status == PENDING and wb.note == "text"
    wb.step_done("reopen", AT)
    assert (wb.steps_left, wb.status, wb.note, wb.done_at) == ([], DONE, None, AT)


def test_failures_back_off_then_give_up():
    wb = writeback(reopen=False)
    delays = []
    for _ in range(MAX_ATTEMPTS - 1):
        wb.attempt_failed("HTTP 503 " + "x" * 600, AT)
        delays.append(wb.next_attempt_at - AT)
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert max(delays) == timedelta(hours=1) and wb.status == PENDING
    assert len(wb.last_error) == 500
    wb.attempt_failed("again", AT)
    assert (wb.status, wb.attempts) == (FAILED, MAX_ATTEMPTS)
