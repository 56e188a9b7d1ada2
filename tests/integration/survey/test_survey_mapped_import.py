"""A service desk's CSV export through a mapping, and `mapping check`, from the command line."""
import json
from pathlib import Path

import pytest

from survey_svc.entrypoints import cli

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "itsm"
HEADER = ("number,state,reopen_count,resolved_at,caller_id,caller_id.user_name,caller_id.email,"
          "assignment_group,business_service,category,priority,contact_type\n")


@pytest.fixture
def cli_env(survey_settings, survey, monkeypatch, tmp_path):
    s = survey_settings
    key = tmp_path / "signing.pem"
    key.write_text(s.signing_key)
    for name, value in {"WEBHOOK_SECRET": s.webhook_secret, "ADMIN_TOKEN": s.admin_token,
                        "REPLY_TAG_KEY": s.reply_tag_key,
                        "SURVEY_SIGNING_KEY": str(key), "SURVEY_DATABASE_URL": s.database_url,
                        "SMTP_PORT": str(s.smtp_port),
                        # the privacy work's vault key, where the settings have one
                        "PRIVACY_MASTER_KEY": getattr(s, "privacy_master_key", None)}.items():
        if value is not None:
            monkeypatch.setenv(name, value)


def test_a_servicenow_export_is_imported_through_its_mapping(cli_env, tmp_path, capsys, client,
                                                             admin, unique):
    path = tmp_path / "incident.csv"
    path.write_text(HEADER
                    + f"A{unique},Resolved,0,2024-07-01 10:00:00,Ann Lee,alee,ann@example.org,"
                      f"Housing Repairs,Repairs,Boiler,3 - Moderate,Phone\n"
                    + f"B{unique},In Progress,0,,Bo Sims,bsims,bo@example.org,Service Desk,,,,\n"
                    + f"C{unique},Resolved,1,2024-07-02 11:00:00,Cy Day,cday,,Service Desk,,,,\n"
                    + f"D{unique},Resolved,0,yesterday,Di Roe,droe,di@example.org,,,,,\n",
                    encoding="utf-8")
    with pytest.raises(SystemExit) as dry:
        cli.run_cli(cli.cli, ["import", "csv", str(path), "--mapping", "servicenow-csv",
                              "--dry-run"])
    out = capsys.readouterr().out
    assert dry.value.code == 1
    assert "4 rows: would import 2" in out and "not resolved 1" in out and "rejected 1" in out
    assert "line 5: resolved_at: expected a timestamp" in out
    assert client.get(f"/v1/invitations?ticket_id=A{unique}", headers=admin).json == []

    with pytest.raises(SystemExit):
        cli.run_cli(cli.cli, ["import", "csv", str(path), "--mapping", "servicenow-csv"])
    out = capsys.readouterr().out
    # C has no email: decided (not surveyed), not lost.
    assert "surveyed 1, not surveyed 1" in out
    [row] = client.get(f"/v1/invitations?ticket_id=A{unique}", headers=admin).json
    assert (row["directorate"], row["requester_id"]) == ("Housing", "alee")


def test_mapping_check_prints_the_ticket(cli_env, capsys):
    payload = FIXTURES / "rt" / "ticket_resolved.json"
    assert cli.run_cli(cli.cli, ["mapping", "check", "rt", "--payload", str(payload)]) in (0, None)
    ticket = json.loads(capsys.readouterr().out)
    assert (ticket["ticket_id"], ticket["requester"]["email"]) == ("47", "carl@example.com")


def test_mapping_check_names_the_missing_field_in_one_line(cli_env, capsys, tmp_path):
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps({"id": 47, "Status": "resolved"}))
    with pytest.raises(SystemExit) as failed:
        cli.run_cli(cli.cli, ["mapping", "check", "rt", "--payload", str(sample)])
    err = capsys.readouterr().err.strip().splitlines()
    assert failed.value.code == 1
    assert err == ["mapping check failed: resolved_at: missing from the payload "
                   "(expression 'Resolved')"]
