"""Domain rules: answers, scores and email-reply parsing, in plain Python."""
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from ingest_svc.domain.model import (Cohort, InvalidAnswer, Invitation, claim_errors, make_answer,
                                     parse_score)
from ingest_svc.domain.reply import invitation_from, parse_reply, rating_from_line

INV = "6f1c2b0e9d4a4f7e8c3b2a1d0e9f8a7b"


@pytest.mark.parametrize("raw,expected", [("1", 1), ("5", 5), (" 3 ", 3), (4, 4), ("0", None),
                                          ("6", None), ("abc", None), ("", None), ("55", None),
                                          (True, None), (None, None), ("٣", None)])
def test_parse_score_accepts_only_one_to_five(raw, expected):
    assert parse_score(raw) == expected


@pytest.mark.parametrize("score", ["0", "6", "abc", None])
def test_make_answer_rejects_bad_scores(score):
    with pytest.raises(InvalidAnswer) as err:
        make_answer(score)
    assert "score" in err.value.errors


def test_make_answer_rejects_long_comment_and_unknown_resolved():
    with pytest.raises(InvalidAnswer) as err:
        make_answer("4", "maybe", "x" * 1201)
    assert set(err.value.errors) == {"resolved", "comment"}


def test_make_answer_keeps_markup_verbatim():
    answer = make_answer("2", "no", "<script>alert(1)</script>")
    assert answer.comment == "<script>alert(1)</script>" and answer.score == 2


@pytest.mark.parametrize("line,score", [("4", 4), ("4 - quick fix", 4), ("5/5", 5),
                                        ("Very satisfied!", 5), ("very dissatisfied", 1),
                                        ("Dissatisfied", 2), ("satisfied", 4),
                                        ("Neither satisfied nor dissatisfied", 3),
                                        ("10", None), ("thanks", None), ("0", None)])
def test_rating_from_first_line(line, score):
    assert rating_from_line(line) == score


def test_parse_reply_strips_quoted_history_and_signature():
    body = ("\n2\nStill cannot print.\nPlease call me.\n\n--\nSam\nCouncil\n\n"
            "On Mon, 2 Mar 2026 at 09:00, ICT Service <survey@x> wrote:\n> How did we do?\n")
    parsed = parse_reply(body)
    assert parsed.score == 2
    assert parsed.comment == "Still cannot print.\nPlease call me."


def test_parse_reply_without_rating():
    assert parse_reply("Who is this?\n> quoted").score is None


def test_invitation_from_a_tagged_reply_address_only():
    valid = lambda inv, tag: tag == "0123456789abcdef"  # noqa: E731 (chassis.auth.reply_tag_valid's place)
    tagged = f"Survey <survey+{INV}.0123456789ABCDEF@replies.localhost>"
    assert invitation_from([tagged], "", valid) == (INV, None)
    assert invitation_from([f"survey+{INV}.fedcba9876543210@x", tagged], "", valid) == (INV, None)
    assert invitation_from([f"survey+{INV}.fedcba9876543210@x"], "", valid) == (
        INV, "reply address with a wrong tag")
    assert invitation_from([f"survey+{INV}@replies.localhost"], "", valid) == (
        INV, "reply address without its tag")
    assert invitation_from(["someone@else"], f"> Survey reference: {INV.upper()}\n", valid) == (
        INV, "reply address without its tag")
    assert invitation_from([], "nothing here", valid) == (None, "no survey reference")


def test_claim_errors_name_the_field():
    now = datetime(2026, 3, 2, tzinfo=timezone.utc)
    known = Invitation(INV, Cohort("Place", "Printing", None, "Field"), "INC7",
                       expires_at=now + timedelta(days=1))
    claim = lambda **cohort: Invitation(INV, Cohort(**{"directorate": None, **cohort}))  # noqa: E731
    assert claim_errors(claim(), known, now) == {}
    assert claim_errors(claim(directorate="Place", team="Field"), known, now) == {}
    assert set(claim_errors(claim(directorate="People", category="HW"), known, now)) == {
        "directorate", "category"}
    assert list(claim_errors(Invitation(INV, Cohort(None), "INC8"), known, now)) == ["ticket_id"]
    assert list(claim_errors(claim(), None, now)) == ["invitation_id"]
    assert claim_errors(claim(), replace(known, closed="cancelled"), now) == {
        "invitation_id": ["Invitation cancelled."]}
    assert claim_errors(claim(), known, now + timedelta(days=2)) == {
        "invitation_id": ["Invitation expired."]}


def test_domain_imports_no_frameworks():
    code = ("import sys, ingest_svc.domain.model, ingest_svc.domain.commands, "
            "ingest_svc.domain.reply; print(' '.join(sys.modules))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.split())
    assert not loaded & {"flask", "kafka", "sqlalchemy", "marshmallow"}
