"""The other ways in: the tickets.resolved topic and a CSV backfill."""
from datetime import timedelta

import pytest

from chassis.kafka import KafkaPublisher
from contracts import topics
from contracts.envelope import make_envelope
from devkit.testing import wait_for
from survey_svc.entrypoints import cli
from survey_svc.entrypoints.worker import handle_batch

pytestmark = pytest.mark.integration


def test_tickets_from_kafka_are_decided_once_and_reopens_cancel(
        survey, clock, kafka_bootstrap, tail, unique, ticket_payload, client, admin):
    inbound = tail(topics.TICKETS_RESOLVED)
    resolved = make_envelope("ticket.resolved", ticket_payload(f"K-{unique}", clock.now()),
                             "itsm")
    reopened = make_envelope("ticket.reopened", {"ticket_id": f"K-{unique}", "resolution": 1,
                                                 "reopened_at": clock.now()}, "itsm")
    publisher = KafkaPublisher(kafka_bootstrap, "survey-test")
    try:
        publisher.publish_many([resolved, resolved, reopened])  # a duplicate delivery too
    finally:
        publisher.close()
    mine = lambda: [r for r, e in zip(inbound.records, inbound.poll())  # noqa: E731
                    if e.data["ticket_id"] == f"K-{unique}"]
    wait_for(lambda: len(mine()) == 3, 20)
    handle_batch(mine(), survey)
    rows = client.get(f"/v1/invitations?ticket_id=K-{unique}", headers=admin).json
    assert [r["status"] for r in rows] == ["cancelled"]


CSV = """ticket_id,resolution,resolved_at,requester_id,requester_email,requester_name,directorate,service,category,team,priority,channel,language,auto_closed
CSV-1,1,{t},u1,u1@example.org,Ann,Children's Services,Email,Software,Desk,P3,phone,en,
CSV-2,1,{t},u2,not-an-email,Bo,Children's Services,Email,Software,Desk,P3,phone,en,
CSV-3,x,{t},u3,u3@example.org,Cy,Children's Services,Email,Software,Desk,P3,phone,en,
CSV-4,1,{t},u4,u4@example.org,Di,,Email,Software,Desk,P3,phone,en,
CSV-5,1,{t},u5,u5@example.org,Ed,Children's Services,Email,Software,Desk,P3,phone,en,yes
"""



def test_csv_import_reports_bad_rows_and_imports_the_rest(cli_env, tmp_path, clock, capsys,
                                                          client, admin):
    path = tmp_path / "tickets.csv"
    path.write_text(CSV.format(t=(clock.now() - timedelta(days=1)).isoformat()))
    with pytest.raises(SystemExit) as dry:
        cli.run_cli(cli.cli, ["import", "--dry-run", str(path)])
    out = capsys.readouterr().out
    assert dry.value.code == 1 and "would import 2" in out and "rejected 3" in out
    assert client.get("/v1/invitations?ticket_id=CSV-1", headers=admin).json == []

    with pytest.raises(SystemExit):
        cli.run_cli(cli.cli, ["import", str(path)])
    out = capsys.readouterr().out
    assert "surveyed 1, not surveyed 1" in out and "rejected 3" in out
    assert "line 3: requester: email: Not a valid email address." in out
    assert "line 4: resolution:" in out and "line 5: directorate:" in out
    assert [r["ticket_id"] for r in client.get("/v1/invitations?ticket_id=CSV-1",
                                               headers=admin).json] == ["CSV-1"]


def test_csv_rows_with_control_characters_in_a_name_are_rejected_naming_the_field(
        cli_env, tmp_path, clock, capsys, client, admin):
    at = (clock.now() - timedelta(days=1)).isoformat()
    path = tmp_path / "tickets.csv"
    path.write_text(CSV.splitlines(keepends=True)[0]
                    + f'CSV-CR,1,{at},u1,u1@example.org,Ann,"Adults\r\nBcc: x@example.org",'
                      f'Email,Software,Desk,P3,phone,en,\n'
                    + f"CSV-ESC,1,{at},u2,u2@example.org,Bo\x1b[2J,Adults,Email,Software,Desk,"
                      f"P3,phone,en,\n"
                    + f"CSV-OK,1,{at},u3,u3@example.org,Cy,Adults,Email,Software,Desk,P3,phone,"
                      f"en,\n", newline="")
    with pytest.raises(SystemExit):
        cli.run_cli(cli.cli, ["import", str(path)])
    out = capsys.readouterr().out
    assert "rejected 2" in out
    assert "line 2: directorate: Must not contain control characters" in out
    assert "line 3: requester: name: Must not contain control characters" in out
    for ticket_id, kept in (("CSV-CR", []), ("CSV-ESC", []), ("CSV-OK", ["CSV-OK"])):
        rows = client.get(f"/v1/invitations?ticket_id={ticket_id}", headers=admin).json
        assert [r["ticket_id"] for r in rows] == kept


def test_cli_errors_are_one_readable_line(monkeypatch, capsys):
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    assert cli.run_cli(cli.cli, ["policy", "show"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: WEBHOOK_SECRET: required but not set"]


def test_policy_set_from_the_cli_is_audited(cli_env, capsys, client, admin):
    assert cli.run_cli(cli.cli, ["policy", "set", "Finance", "sampling_rate=25",
                                 "excluded_categories=Password,Test", "--by", "jo"]) == 0
    assert client.get("/v1/policies/Finance", headers=admin).json["effective"][
        "excluded_categories"] == ["Password", "Test"]
    [entry] = client.get("/v1/policies/Finance/audit", headers=admin).json
    assert entry["changed_by"] == "cli:jo" and entry["new"]["sampling_rate"] == 25
    assert cli.run_cli(cli.cli, ["policy", "set", "Finance", "sampling_rate=900",
                                 "--by", "jo"]) == 2
    assert "invalid policy" in capsys.readouterr().err
