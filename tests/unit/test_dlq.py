"""Dead letters read back, filtered, and what a replay would send (chassis.dlq)."""
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chassis.dlq import DeadLetter, Selection, parse, parse_position, plan, replay_ledger
from chassis.privacy.audit import safe_filters
from chassis.kafka import Record, dead_letter
from chassis.testing import FakePublisher
from contracts.envelope import encode

T0 = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
DLQ = "feedback.responses.dlq"


def letter(offset=0, *, at=T0, reason="invalid event", key="inv-1", source="feedback.responses",
           by="analysis-svc", value='{"bad": 1}') -> DeadLetter:
    return DeadLetter(DLQ, 0, offset, at, reason, source, key, by, value)


def test_a_record_dead_lettered_by_the_chassis_reads_back_with_its_fields():
    publisher = FakePublisher()
    dead_letter(publisher, Record("feedback.responses", 3, 42, "inv-7", b"not json"),
                "not JSON: unexpected character", {"_schema": ["Not valid JSON."]}, "analysis-svc")
    raw = encode(publisher.published[0])
    read = parse(DLQ, 0, 5, int(T0.timestamp() * 1000), raw)
    assert (read.position, read.at, read.source_topic, read.key, read.rejected_by) == (
        "0:5", T0, "feedback.responses", "inv-7", "analysis-svc")
    assert read.reason == "not JSON: unexpected character" and read.value == "not json"
    assert read.errors == {"_schema": ["Not valid JSON."]} and read.event_id


def test_the_summary_never_holds_the_refused_message():
    summary = letter(value='{"comment": "Call me on 07700 900123"}').summary()
    assert "07700" not in json.dumps(summary) and summary["at"] == "2026-12-01T09:00:00Z"


@pytest.mark.parametrize("raw", [b"garbage", b'{"event_type": "response.submitted", "data": {}}',
                                 b'{"event_type": "message.rejected", "data": []}', None])
def test_a_record_that_is_not_a_dead_letter_reads_as_unreadable(raw):
    read = parse(DLQ, 0, 1, 0, raw)
    assert read.reason == "unreadable dead letter" and read.rejected_by is None


@pytest.mark.parametrize("selection,matches", [
    (Selection(), True),
    (Selection(reason="INVALID"), True),
    (Selection(reason="not json"), False),
    (Selection(since=T0), True),
    (Selection(since=T0 + timedelta(seconds=1)), False),
    (Selection(until=T0), False),  # until is exclusive
    (Selection(until=T0 + timedelta(seconds=1)), True),
    (Selection(key="inv-1"), True),
    (Selection(key="inv"), False),  # a key is matched whole
    (Selection(source_topic="feedback.responses"), True),
    (Selection(source_topic="surveys.lifecycle"), False),
    (Selection(rejected_by="analysis-svc"), True),
    (Selection(rejected_by="survey-svc"), False),
    (Selection(reason="invalid", key="inv-1", rejected_by="ingest-svc"), False),
])
def test_filters(selection, matches):
    assert selection.matches(letter()) is matches


def test_the_audit_keeps_every_given_filter():
    selection = Selection(reason="x", since=T0, key="inv-1", rejected_by="analysis-svc")
    kept = safe_filters(selection.audited())
    assert kept == {"reason": "x", "since": T0.isoformat(), "message_id": "inv-1",
                    "group": "analysis-svc"}


@pytest.mark.parametrize("text,partitions,expected", [
    ("7", [0], (0, 7)), ("2:7", [0, 1, 2], (2, 7)), (" 0:0 ", [0], (0, 0))])
def test_positions(text, partitions, expected):
    assert parse_position(text, partitions) == expected


@pytest.mark.parametrize("text,partitions,needle", [
    ("x", [0], "not an offset"), ("7", [0, 1], "PARTITION:OFFSET"), ("3:1", [0], "no record"),
    ("-1", [0], "no record")])
def test_bad_positions_say_why(text, partitions, needle):
    with pytest.raises(ValueError, match=needle):
        parse_position(text, partitions)


def test_the_ledger_names_the_first_replay_of_each_message():
    newest_first = [
        {"target": f"{DLQ}:0:9", "filters": {"digest": "d1"}},
        {"target": "other.dlq:0:1", "filters": {"digest": "d2"}},
        {"target": f"{DLQ}:0:5", "filters": {"digest": "d1"}},
        {"target": f"{DLQ}:0:6", "filters": {}}]
    assert replay_ledger(newest_first) == {"d1": f"{DLQ}:0:5", "d2": "other.dlq:0:1"}


def test_a_replay_sends_each_message_once_and_only_what_this_service_refused_from_a_topic():
    fixed = letter(1, value='{"ok": 1}')
    twin = replace(fixed, offset=2)  # refused twice (a batch re-read): one send covers both
    done = letter(3, value='{"done": 1}')
    returned = replace(done, offset=8, reason="invalid event")  # refused again after its replay
    theirs = letter(4, by="survey-svc")
    over_http = letter(5, by="analysis-svc", source="http")
    unreadable = parse(DLQ, 0, 6, 0, b"garbage")
    verdicts = plan([fixed, twin, done, returned, theirs, over_http, unreadable],
                    {done.digest: f"{DLQ}:0:3"}, "analysis-svc", ("feedback.responses",))
    assert [v.letter.offset for v in verdicts if v.send] == [1]
    why = {v.letter.offset: v.why for v in verdicts}
    assert why[2] == "same message as 0:1"
    assert why[3] == why[8] == f"already replayed (as {DLQ}:0:3)"
    assert why[4].startswith("rejected by survey-svc")
    assert "is not read by analysis-svc" in why[5]
    assert why[6].startswith("unreadable")


def test_again_sends_what_was_replayed_before():
    done = letter(3)
    verdicts = plan([done], {done.digest: f"{DLQ}:0:3"}, "analysis-svc", ("feedback.responses",),
                    again=True)
    assert [v.send for v in verdicts] == [True]
