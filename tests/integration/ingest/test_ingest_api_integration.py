"""The API channel and email replies against the real broker, on SQLite and PostgreSQL."""
import json
import smtplib
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from chassis.auth import address_hash, reply_tag
from chassis.kafka import Record
from devkit.testing import free_port
from contracts import encode, make_envelope

from ingest_svc.adapters.smtp_listener import start_listener
from ingest_svc.entrypoints.worker import handle_message

from .conftest import REPLY_TAG_KEY

pytestmark = pytest.mark.integration
PHONE = {"Authorization": "Bearer phone-token"}


def answer(**extra):
    return {"score": 4, "directorate": "Children's Services", "team": "Desktop", **extra}


def test_api_answer_is_on_topic_and_retry_is_idempotent(app_env, kafka_bootstrap, topic_reader):
    app, _ = app_env
    reader, client, key = topic_reader(kafka_bootstrap), app.test_client(), uuid.uuid4().hex
    first = client.post("/v1/responses", json=answer(comment="kiosk"), headers={**PHONE, "Idempotency-Key": key})
    again = client.post("/v1/responses", json=answer(comment="kiosk"), headers={**PHONE, "Idempotency-Key": key})
    assert first.status_code == again.status_code == 202
    assert first.json["response_id"] == again.json["response_id"] and again.json["replayed"]
    rid = first.json["response_id"]
    events = reader.collect(lambda e: e.data.get("response_id") == rid, 2)
    assert len({e.event_id for e in events}) == 1  # a retry re-sends the same event: consumers dedupe
    assert events[0].key == rid and events[0].data["channel"] == "phone"
    changed = client.post("/v1/responses", json=answer(score=1), headers={**PHONE, "Idempotency-Key": key})
    assert changed.status_code == 422


@pytest.mark.parametrize("body,status", [
    ({"score": 0, "directorate": "A"}, 400), ({"score": 6, "directorate": "A"}, 400),
    ({"score": "abc", "directorate": "A"}, 400), ({"score": 4}, 400),
    ({"score": 4, "directorate": "A", "comment": "x" * 10_000}, 400),
    ({"score": 4, "directorate": "A", "extra": 1}, 400)])
def test_api_bad_input_is_400(app_env, body, status):
    app, _ = app_env
    response = app.test_client().post("/v1/responses", json=body, headers=PHONE)
    assert response.status_code == status and response.json["errors"]


def test_api_auth_utf8_and_size(app_env):
    client = app_env[0].test_client()
    assert client.post("/v1/responses", json=answer()).status_code == 401
    assert client.post("/v1/responses", json=answer(), headers={"Authorization": "Bearer nope"}).status_code == 401
    bad = client.post("/v1/responses", data=b'{"score": 4, "directorate": "\xff"}',
                      content_type="application/json", headers=PHONE)
    assert bad.status_code == 400
    huge = client.post("/v1/responses", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                       content_type="application/json", headers=PHONE)
    assert huge.status_code == 413


def test_batch_gives_result_per_line_and_dead_letters_bad_lines(app_env, kafka_bootstrap, topic_reader):
    app, _ = app_env
    tag = uuid.uuid4().hex
    good = [json.dumps(answer(score=s, ticket_id=f"{tag}-{i}", idempotency_key=f"{tag}-{i}"))
            for i, s in enumerate([1, 2, 3, 4, 5] * 20)]
    body = ("\n".join(good[:50]) + '\n{"score": 9, "directorate": "A", "ticket_id": "' + tag
            + '"}\nnot json\n' + "\n".join(good[50:])).encode()
    reader = topic_reader(kafka_bootstrap)
    dlq = topic_reader(kafka_bootstrap, "feedback.responses.dlq")
    response = app.test_client().post("/v1/responses/batch", data=body, headers=PHONE,
                                      content_type="application/x-ndjson")
    assert response.status_code == 200
    result = response.json
    assert (result["accepted"], result["rejected"]) == (100, 2)
    assert [r["status"] for r in result["results"][50:52]] == ["rejected", "rejected"]
    events = reader.collect(lambda e: (e.data.get("ticket_id") or "").startswith(tag), 100)
    assert [e.data["score"] for e in events if e.key] and len(events) == 100
    rejected = dlq.collect(lambda e: tag in e.data["value"], 1)
    assert rejected[0].data["errors"]["score"]


def test_batch_over_limit_is_413(app_env):
    lines = b"\n".join([b'{"score":4,"directorate":"A"}'] * 10_001)
    response = app_env[0].test_client().post("/v1/responses/batch", data=lines, headers=PHONE)
    assert response.status_code == 413


def invitation_created(inv: str) -> Record:
    now = datetime.now(timezone.utc)
    envelope = make_envelope("invitation.created", {
        "directorate": "Place", "service": "Printing", "category": "Hardware", "team": "Field",
        "invitation_id": inv, "ticket_id": "INC77", "at": now.isoformat(), "resolution": 1,
        "requester_id": "u-1", "requester_name": "Sam", "channel": "phone", "language": "en",
        "requester_email_hash": address_hash(REPLY_TAG_KEY, "a@example.org"),
        "due_at": now.isoformat(), "expires_at": (now + timedelta(days=14)).isoformat()}, "survey-svc")
    return Record("surveys.lifecycle", 0, 0, inv, encode(envelope))


def reply_address(inv: str) -> str:
    return f"survey+{inv}.{reply_tag(REPLY_TAG_KEY, inv)}@replies.localhost"


def reply(inv: str, body: str, to=None, sender="a@example.org") -> bytes:
    return (f"From: {sender}\r\nTo: {to or reply_address(inv)}\r\n"
            f"Subject: Re: survey\r\nMessage-ID: <{uuid.uuid4().hex}@example.org>\r\n\r\n{body}").encode()


def test_inbound_webhook_and_smtp_listener(app_env, kafka_bootstrap, topic_reader):
    app, bus = app_env
    webhook_inv, smtp_inv = uuid.uuid4().hex, uuid.uuid4().hex
    for inv in (webhook_inv, smtp_inv):
        handle_message(invitation_created(inv), bus)
    reader, client = topic_reader(kafka_bootstrap), app.test_client()
    raw = reply(webhook_inv, "1\r\nPrinter still broken.\r\n\r\nOn Tue someone wrote:\r\n> 5")
    posted = client.post("/v1/inbound-email", data={"email": raw.decode(), "to": "x"},
                         headers={"Authorization": "Bearer inbound-token"})
    assert posted.status_code == 202 and posted.json["status"] == "recorded"
    unknown = client.post("/v1/inbound-email", data=reply(uuid.uuid4().hex, "5"),
                          content_type="message/rfc822", headers={"Authorization": "Bearer inbound-token"})
    assert unknown.json["status"] == "kept_for_review"
    assert client.post("/v1/inbound-email", data=raw, content_type="message/rfc822").status_code == 401
    port = free_port()
    controller = start_listener(bus, "replies.localhost", "127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail("a@example.org", [reply_address(smtp_inv)],
                          reply(smtp_inv, "Very satisfied\r\nThanks!", to="ICT <survey@x>"))
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                smtp.sendmail("a@example.org", ["postmaster@elsewhere.org"], b"Subject: x\r\n\r\n4")
    finally:
        controller.stop()
    events = reader.collect(lambda e: e.data.get("invitation_id") in (webhook_inv, smtp_inv), 2)
    by_inv = {e.data["invitation_id"]: e.data for e in events}
    assert (by_inv[webhook_inv]["score"], by_inv[webhook_inv]["comment"]) == (1, "Printer still broken.")
    assert by_inv[smtp_inv]["score"] == 5 and by_inv[smtp_inv]["directorate"] == "Place"
    assert by_inv[smtp_inv]["channel"] == "email_reply" and by_inv[smtp_inv]["ticket_id"] == "INC77"


def test_unmatched_replies_reviewed_by_an_admin_page_by_page(db_url, kafka_bootstrap, make_settings):
    from ingest_svc.app import create_app
    from ingest_svc.bootstrap import build
    bus = build(make_settings(db_url, kafka_bootstrap, admin_token="admin-token"))
    try:
        client, inbound = create_app(bus).test_client(), {"Authorization": "Bearer inbound-token"}
        bodies = ["no rating here", "<script>alert(1)</script> & more", "maybe 4?"]
        for body in bodies:
            kept = client.post("/v1/inbound-email", data=reply(uuid.uuid4().hex, body),
                               content_type="message/rfc822", headers=inbound)
            assert kept.json["status"] == "kept_for_review"
        url, admin = "/v1/inbound-email/unmatched", {"Authorization": "Bearer admin-token"}
        for headers in ({}, inbound, {"Authorization": "Bearer phone-token"}):
            assert client.get(url, headers=headers).status_code == 401
        assert client.get(url + "?limit=0").status_code == 401  # who asks comes before what
        assert client.get(url + "?limit=0", headers=admin).status_code == 400
        first = client.get(url + "?limit=2", headers=admin)
        assert first.status_code == 200 and first.mimetype == "application/json"
        assert b"<script>" not in first.data and b"&" not in first.data  # escaped, never markup
        page = first.json
        assert [item["text"].strip() for item in page["items"]] == bodies[:0:-1]  # newest first
        assert page["items"][0]["sender"] == "a@example.org" and page["items"][0]["reason"] == "unknown invitation"
        rest = client.get(f"{url}?limit=2&cursor={page['next_cursor']}", headers=admin).json
        assert [item["text"].strip() for item in rest["items"]] == bodies[:1] and rest["next_cursor"] is None
    finally:
        bus.close()


def test_unmatched_replies_closed_without_an_admin_token(app_env):
    response = app_env[0].test_client().get("/v1/inbound-email/unmatched",
                                            headers={"Authorization": "Bearer "})
    assert response.status_code == 401
