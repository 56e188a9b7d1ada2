"""list, show and purge through the services' CLIs on the real broker, each action audited."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from devkit.procs import free_port

pytestmark = pytest.mark.integration
PERSONAL = "Please ring Ada Lovelace on 07700 900123"


def _after_now() -> datetime:
    """A moment strictly after every record confirmed so far, at the broker's resolution (ms)."""
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000) + timedelta(milliseconds=1)


def _offsets(result) -> list[str]:
    return [line.split()[0] for line in result.stdout.splitlines()]


def _filters(entry) -> dict:
    return json.loads(entry["filters"]) if isinstance(entry["filters"], str) else entry["filters"]


@pytest.fixture
def seeded(dlq_topic, dead_letters, unique, wait_for):
    """Five dead letters on the test's topic; `middle` falls between the first three and the rest."""
    body = json.dumps({"comment": PERSONAL}).encode()
    dead_letters(dlq_topic, [
        ("surveys.lifecycle", f"inv-a-{unique}", b"{}", "invalid event", "ingest-svc"),
        ("feedback.responses", None, body, "invalid body for POST /v1/responses", "ingest-svc"),
        ("feedback.responses", f"inv-c-{unique}", body, "not JSON: unexpected", "analysis-svc")])
    middle = _after_now()
    wait_for(lambda: datetime.now(timezone.utc) >= middle, timeout=5)
    dead_letters(dlq_topic, [
        ("tickets.resolved", f"T-{unique}", b"[]", "invalid event", "survey-svc"),
        ("feedback.responses", f"inv-c-{unique}", b"x", "could not be processed: KeyError",
         "analysis-svc")])
    return middle


def test_list_filters_by_reason_time_key_source_and_group(service_cli, dlq_topic, seeded, unique):
    cli = service_cli("ingest-svc")
    everything = cli("--topic", dlq_topic, "list")
    assert everything.exit_code == 0, everything.output
    assert _offsets(everything) == ["0:0", "0:1", "0:2", "0:3", "0:4"]
    assert PERSONAL not in everything.output and "07700" not in everything.output
    first = everything.stdout.splitlines()[0].split()
    assert first[2:5] == ["ingest-svc", "surveys.lifecycle", f"key=inv-a-{unique}"]
    cases = {
        ("--reason", "INVALID"): ["0:0", "0:1", "0:3"],
        ("--since", seeded.isoformat()): ["0:3", "0:4"],
        ("--until", seeded.isoformat()): ["0:0", "0:1", "0:2"],
        ("--key", f"inv-c-{unique}"): ["0:2", "0:4"],
        ("--source-topic", "feedback.responses"): ["0:1", "0:2", "0:4"],
        ("--group", "survey-svc"): ["0:3"],
        ("--group", "analysis-svc", "--since", seeded.isoformat()): ["0:4"],
        ("--reason", "no such reason"): [],
    }
    for args, expected in cases.items():
        result = cli("--topic", dlq_topic, "list", *args)
        assert result.exit_code == 0, result.output
        assert _offsets(result) == expected, args
    as_json = [json.loads(line) for line in cli(
        "--topic", dlq_topic, "list", "--json", "--group", "survey-svc").stdout.splitlines()]
    assert as_json == [{"partition": 0, "offset": 3, "at": as_json[0]["at"],
                        "reason": "invalid event", "source_topic": "tickets.resolved",
                        "key": f"T-{unique}", "rejected_by": "survey-svc", "replayed": None}]
    listed = cli.audit("dlq.list")
    assert len(listed) == 1 + len(cases) + 1 and listed[0]["target"] == dlq_topic
    assert listed[0]["rows"] == 5 and _filters(listed[4]) == {"message_id": f"inv-c-{unique}"}


def test_show_prints_the_refused_message_and_audits_the_read(service_cli, dlq_topic, seeded):
    cli = service_cli("survey-svc")
    shown = cli("--topic", dlq_topic, "show", "1")
    assert shown.exit_code == 0, shown.output
    record = json.loads(shown.stdout)
    assert json.loads(record["value"]) == {"comment": PERSONAL}
    assert (record["offset"], record["reason"], record["rejected_by"], record["errors"]) == (
        1, "invalid body for POST /v1/responses", "ingest-svc", {"_schema": ["Not valid."]})
    assert cli("--topic", dlq_topic, "show", "0:4").exit_code == 0
    assert [e["target"] for e in cli.audit("dlq.show")] == [f"{dlq_topic}:0:1", f"{dlq_topic}:0:4"]


@pytest.mark.parametrize("args,needle", [
    (["show", "99"], "no record at 0:99"),
    (["show", "abc"], "is not an offset"),
    (["show", "3:1"], "no record at 3:1"),
    (["replay"], "name OFFSETs or give a filter"),
    (["replay", "42"], "no record at 0:42"),
    (["purge", "--yes"], "exactly one of --before"),
    (["purge", "--before", "9", "--yes"], "it ends at 5"),
])
def test_bad_requests_are_one_readable_line(service_cli, dlq_topic, seeded, args, needle):
    result = service_cli("analysis-svc")("--topic", dlq_topic, *args)
    assert result.exit_code == 1
    assert needle in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("service", ["survey-svc", "ingest-svc", "analysis-svc"])
def test_a_broker_that_is_down_is_one_readable_line(service_cli, service):
    down = f"127.0.0.1:{free_port()}"
    result = service_cli(service)("--timeout", "1", "list", KAFKA_BOOTSTRAP_SERVERS=down)
    assert result.exit_code == 1
    assert f"broker {down} unreachable" in result.output and "Traceback" not in result.output


def test_a_missing_topic_is_named(service_cli, unique):
    result = service_cli("ingest-svc")("--topic", f"no.such.dlq.{unique}", "list")
    assert result.exit_code == 1 and f"topic no.such.dlq.{unique} not found" in result.output


def test_purge_deletes_up_to_an_offset_or_a_moment_after_confirmation(
        service_cli, dlq_topic, seeded):
    cli = service_cli("survey-svc")
    declined = cli("--topic", dlq_topic, "purge", "--before", "2", input="n\n")
    assert declined.exit_code == 1 and "delete 2 records" in declined.output
    assert _offsets(cli("--topic", dlq_topic, "list")) == ["0:0", "0:1", "0:2", "0:3", "0:4"]
    purged = cli("--topic", dlq_topic, "purge", "--before", "2", "--yes")
    assert purged.exit_code == 0, purged.output
    assert "purged 2" in purged.stdout and "now starts at 0:2" in purged.stdout
    assert _offsets(cli("--topic", dlq_topic, "list")) == ["0:2", "0:3", "0:4"]
    assert "nothing to purge" in cli("--topic", dlq_topic, "purge", "--before", "1", "--yes").stdout
    by_time = cli("--topic", dlq_topic, "purge", "--until", seeded.isoformat(), input="y\n")
    assert by_time.exit_code == 0 and "purged 1" in by_time.stdout
    assert _offsets(cli("--topic", dlq_topic, "list")) == ["0:3", "0:4"]
    shown = cli("--topic", dlq_topic, "show", "0")
    assert shown.exit_code == 1 and "it holds 0:3-0:4" in shown.output
    assert [(_filters(e)["before"], e["rows"]) for e in cli.audit("dlq.purge")] == [
        ("0:2", 2), ("0:3", 1)]


def test_a_replay_leaves_what_another_service_or_a_web_form_refused(service_cli, dlq_topic, seeded):
    cli = service_cli("ingest-svc")
    result = cli("--topic", dlq_topic, "replay", "0:1", "0:2", "0:3")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "0:1  skipped: feedback.responses is not read by ingest-svc (it came in over HTTP: "
        "the sender must send it again)",
        "0:2  skipped: rejected by analysis-svc: replay it with analysis-svc",
        "0:3  skipped: rejected by survey-svc: replay it with survey-svc",
        "replayed 0, skipped 3"]
    run, = cli.audit("dlq.replay-run")  # audited although nothing was sent
    assert run["rows"] == 3 and _filters(run)["sent"] == 0 and cli.audit("dlq.replay") == []
