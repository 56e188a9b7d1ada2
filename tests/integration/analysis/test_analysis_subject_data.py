"""Subject access and the access audit in analysis-svc over HTTP, on SQLite and PostgreSQL: a
person's answers, invitation, follow-up, alert and its emails; every read of comments recorded
with who read them (admin token, partner token by id and label)."""
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import update

from analysis_svc.adapters.orm import responses
from analysis_svc.app import create_app
from analysis_svc.domain.commands import IssueToken, MarkFollowedUp
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import invitation, record, response

pytestmark = pytest.mark.integration
T0 = datetime(2026, 10, 5, 10, tzinfo=timezone.utc)
ADMIN = {"Authorization": "Bearer admin-secret", "X-Actor": "survey-svc for dpo"}
PARTNER = {"Authorization": "Bearer partner-adults"}
URL = "/v1/admin/subject-data"
PAT, SAM = "a" * 64, "b" * 64


@pytest.fixture
def analysis(make_services):
    services = make_services(alert_email=True)
    services.handle(IssueToken(("Adults",), "Adults BP", "bp@council.example", token="partner-adults"))
    inv = uuid.uuid4().hex
    theirs = response(invitation_id=inv, score=1, comment="Bad, Pat O'Neill waited", submitted_at=T0)
    no_invitation = response(score=5, comment="good", submitted_at=T0)
    someone_else = response(invitation_id=uuid.uuid4().hex, score=2, comment="bad", submitted_at=T0)
    handle_records(services, [record(invitation("created", inv, name="Pat O'Neill")),
                              record(theirs), record(no_invitation), record(someone_else)])
    with services.sessions() as session, session.begin():  # as ingest-svc announces the answerer
        session.execute(update(responses).where(
            responses.c.response_id == no_invitation.data["response_id"]).values(subject=PAT))
        session.execute(update(responses).where(
            responses.c.response_id == someone_else.data["response_id"]).values(subject=SAM))
    services.handle(MarkFollowedUp(theirs.data["response_id"], "Called back", "Adults BP", None))
    return (create_app(services).test_client(), inv,
            (theirs.data["response_id"], no_invitation.data["response_id"]))


def test_everything_about_a_person_by_invitation_and_by_subject(analysis):
    client, inv, (theirs, by_subject) = analysis
    found = client.post(URL, json={"subjects": [PAT], "invitation_ids": [inv]}, headers=ADMIN)
    assert found.status_code == 200 and found.json["service"] == "analysis-svc"
    records = found.json["records"]
    by_id = {r["response_id"]: r for r in records["responses"]}
    assert set(by_id) == {theirs, by_subject} and by_id[by_subject]["subject"] == PAT
    assert "Pat O'Neill" not in by_id[theirs]["redacted_comment"] and by_id[theirs]["score"] == 1
    assert [i["requester_name"] for i in records["invitations"]] == ["Pat O'Neill"]
    assert [f["note"] for f in records["followups"]] == ["Called back"]
    assert [a["alert_id"] for a in records["alerts"]] == [f"det-{theirs}"]
    [mail] = records["alert_emails"]
    assert mail["recipient"] == "bp@council.example" and theirs in mail["body"]
    [entry] = client.get("/v1/access-audit", headers=ADMIN).json["items"]
    assert (entry["actor"], entry["action"], entry["rows"]) == (
        "admin-token:survey-svc for dpo", "subject_data.read", 2 + 1 + 1 + 1 + 1)


def test_nobody_else_and_only_for_the_admin_token(analysis):
    client, _, _ = analysis
    assert client.post(URL, json={"subjects": [PAT]}, headers=PARTNER).status_code == 401
    assert client.get("/v1/access-audit", headers=PARTNER).status_code == 401
    records = client.post(URL, json={"subjects": ["c" * 64]}, headers=ADMIN).json["records"]
    assert not any(records.values())


def test_every_read_of_comments_is_recorded_with_who_and_how_many(analysis):
    client, _, _ = analysis
    assert client.get("/v1/responses?limit=2", headers=PARTNER).status_code == 200
    export = client.get("/v1/export.csv?directorate=Adults", headers=ADMIN)
    assert export.status_code == 200 and export.data.count(b"\r\n") == 1 + 3
    client.get("/dashboard/comments", headers=PARTNER)
    client.get("/dashboard/detractors", headers=PARTNER)
    entries = client.get("/v1/access-audit", headers=ADMIN).json["items"]
    seen = [(e["action"], e["actor"], e["rows"], e["filters"]) for e in reversed(entries)]
    partner = "token#1 (Adults BP)"
    assert seen == [("responses.list", partner, 2, {"limit": "2"}),
                    ("responses.export", "admin-token:survey-svc for dpo", 3, {"directorate": "Adults"}),
                    ("dashboard.comments", partner, 3, {}),
                    ("dashboard.detractors", partner, 2, {})]
    only = client.get("/v1/access-audit?action=responses.export", headers=ADMIN).json["items"]
    assert [e["action"] for e in only] == ["responses.export"]


def test_a_read_the_audit_cannot_record_is_refused(analysis, monkeypatch):
    client, _, _ = analysis
    from chassis.privacy import audit

    def broken(self, entry, at):
        raise OSError("disk full")
    monkeypatch.setattr(audit.AccessAudit, "add", broken)
    assert client.get("/v1/responses", headers=PARTNER).status_code == 503


def test_the_overview_and_the_board_report_record_the_comments_they_show(make_services):
    services = make_services()
    services.handle(IssueToken(("Adults",), "Adults BP", None, token="partner-adults"))
    handle_records(services, [record(response(
        score=5, submitted_at=T0,
        comment="Absolutely terrible, awful and useless, the worst service I have ever had"))])
    client = create_app(services).test_client()
    assert client.get("/dashboard?directorate=Adults", headers=PARTNER).status_code == 200
    assert client.get("/reports/board?from=2026-10-01&to=2026-10-31",
                      headers=PARTNER).status_code == 200
    entries = client.get("/v1/access-audit", headers=ADMIN).json["items"]
    assert [(e["action"], e["actor"], e["rows"]) for e in reversed(entries)] == [
        ("dashboard.disagreements", "token#1 (Adults BP)", 1),
        ("reports.board", "token#1 (Adults BP)", 1)]


def test_a_dashboard_reader_is_named_by_how_they_signed_in(make_services):
    services = make_services(trusted_header_name="X-Forwarded-Email",
                             trusted_header_secret="proxy-secret",
                             trusted_admins=("dpo@council.example",))
    services.handle(IssueToken(("Adults",), "Adults BP", "bp@council.example", token="partner-adults"))
    app = create_app(services)
    app.config["WTF_CSRF_ENABLED"] = False
    signed_in = app.test_client()
    assert signed_in.post("/dashboard/sign-in", data={"token": "admin-secret"}).status_code == 302
    signed_in.get("/dashboard/comments")
    app.test_client().get("/dashboard/comments", headers={
        "X-Forwarded-Email": "DPO@council.example", "X-Trusted-Proxy-Secret": "proxy-secret"})
    app.test_client().get("/dashboard/comments", headers={
        "X-Forwarded-Email": "bp@council.example", "X-Trusted-Proxy-Secret": "proxy-secret"})
    entries = app.test_client().get("/v1/access-audit", headers=ADMIN).json["items"]
    assert [e["actor"] for e in reversed(entries)] == [
        "admin-token (dashboard session)", "sso:dpo@council.example", "sso:bp@council.example"]
