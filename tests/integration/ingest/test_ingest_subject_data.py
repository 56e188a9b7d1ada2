"""Subject access and the access audit in ingest-svc over HTTP, on SQLite and PostgreSQL: every
version of a person's answer, their raw comments and kept replies; who read what, queryable."""
import uuid

import pytest

from chassis.auth import address_hash
from ingest_svc.app import create_app
from ingest_svc.bootstrap import build
from ingest_svc.entrypoints.worker import handle_message

from .conftest import REPLY_TAG_KEY
from .test_ingest_api_integration import invitation_created, reply

pytestmark = pytest.mark.integration
ADMIN = {"Authorization": "Bearer admin-token", "X-Actor": "survey-svc for dpo"}
INBOUND = {"Authorization": "Bearer inbound-token"}
PAT = address_hash(REPLY_TAG_KEY, "a@example.org")  # invitation_created's invitee
URL = "/v1/admin/subject-data"


@pytest.fixture
def ingest(db_url, kafka_bootstrap, make_settings):
    bus = build(make_settings(db_url, kafka_bootstrap, admin_token="admin-token"))
    yield create_app(bus).test_client(), bus
    bus.close()


def send_reply(client, raw: bytes) -> str:
    posted = client.post("/v1/inbound-email", data=raw, content_type="message/rfc822",
                         headers=INBOUND)
    assert posted.status_code == 202
    return posted.json["status"]


def test_everything_about_a_person_with_every_version_and_the_read_audited(ingest):
    client, bus = ingest
    inv = uuid.uuid4().hex
    handle_message(invitation_created(inv), bus)
    assert send_reply(client, reply(inv, "4\r\nDave Smith fixed it.")) == "recorded"
    assert send_reply(client, reply(inv, "2\r\nBroken again.")) == "recorded"
    assert send_reply(client, reply(uuid.uuid4().hex, "5")) == "kept_for_review"
    assert send_reply(client, reply(uuid.uuid4().hex, "1", sender="sam@example.org")) == "kept_for_review"

    found = client.post(URL, json={"subjects": [PAT]}, headers=ADMIN)

    assert found.status_code == 200 and found.json["service"] == "ingest-svc"
    records = found.json["records"]
    assert [i["invitation_id"] for i in records["invitations"]] == [inv]
    [answer] = records["responses"]
    assert (answer["invitation_id"], answer["version"], answer["comment"]) == (inv, 2, "Broken again.")
    assert [v["event"]["data"]["comment"] for v in answer["versions"]] == [
        "Dave Smith fixed it.", "Broken again."]
    [kept] = records["unmatched_replies"]
    assert (kept["sender"], kept["reason"]) == ("a@example.org", "unknown invitation")
    [entry] = client.get("/v1/access-audit", headers=ADMIN).json["items"]
    assert (entry["actor"], entry["action"], entry["target"]) == (
        "admin-token:survey-svc for dpo", "subject_data.read", f"subject:{PAT}")
    assert entry["rows"] == 1 + 1 + 1 and entry["filters"]["subjects"] == [PAT]

    again = client.post(URL, json={"invitation_ids": [inv]}, headers=ADMIN).json["records"]
    assert [a["response_id"] for a in again["responses"]] == [answer["response_id"]]
    assert [e["action"] for e in again["access_audit"]] == ["subject_data.read"]


def test_nobody_else_is_in_the_answer(ingest):
    client, _ = ingest
    send_reply(client, reply(uuid.uuid4().hex, "1", sender="sam@example.org"))
    records = client.post(URL, json={"subjects": [PAT], "invitation_ids": ["nope"]},
                          headers=ADMIN).json["records"]
    assert not any(records.values())


def test_only_the_admin_token_asks_and_the_body_is_checked(ingest):
    client, _ = ingest
    assert client.post(URL, json={"subjects": [PAT]}).status_code == 401
    assert client.post(URL, json={"subjects": [PAT]}, headers=INBOUND).status_code == 401
    assert client.post(URL, data="x", headers=ADMIN).status_code == 415
    bad = client.post(URL, json={"subjects": ["a@example.org"]}, headers=ADMIN)
    assert bad.status_code == 400 and "subjects" in bad.json["errors"]["json"]
    assert client.post(URL, json={"who": "pat"}, headers=ADMIN).status_code == 400
    assert client.get("/v1/access-audit", headers=INBOUND).status_code == 401


def test_reading_the_unmatched_replies_is_audited_and_filterable(ingest):
    client, _ = ingest
    for sender in ("a@example.org", "sam@example.org"):
        send_reply(client, reply(uuid.uuid4().hex, "no rating", sender=sender))
    assert client.get("/v1/inbound-email/unmatched?limit=1",
                      headers={"Authorization": "Bearer admin-token"}).status_code == 200
    client.post(URL, json={"subjects": [PAT]}, headers=ADMIN)
    page = client.get("/v1/access-audit?action=unmatched_replies.list", headers=ADMIN).json
    [entry] = page["items"]
    assert (entry["actor"], entry["rows"], entry["filters"]) == ("admin-token", 1, {"limit": "1"})
    by_actor = client.get("/v1/access-audit?actor=dpo&limit=1", headers=ADMIN).json
    assert [e["action"] for e in by_actor["items"]] == ["subject_data.read"]
    assert client.get("/v1/access-audit?since=2999-01-01T00:00:00", headers=ADMIN).json["items"] == []
    assert client.get("/v1/access-audit?limit=0", headers=ADMIN).status_code == 400
