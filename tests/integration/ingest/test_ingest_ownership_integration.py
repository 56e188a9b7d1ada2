"""An answer belongs to its invitation: the attacks of issue #11, over HTTP, on SQLite and PostgreSQL."""
import json
import uuid

import pytest
from sqlalchemy import select

from ingest_svc.adapters.orm import responses
from ingest_svc.entrypoints.worker import handle_message

from .test_ingest_api_integration import invitation_created, reply

pytestmark = pytest.mark.integration
PHONE = {"Authorization": "Bearer phone-token"}
INBOUND = {"Authorization": "Bearer inbound-token"}


@pytest.fixture
def known(app_env):
    """An invitation survey-svc announced (Place / Printing / Hardware / Field, ticket INC77)."""
    inv = uuid.uuid4().hex
    handle_message(invitation_created(inv), app_env[1])
    return inv


def stored(bus, inv):
    """The invitation's answer as ingest keeps it, or None."""
    with bus.uow_factory() as uow:
        row = uow.session.execute(select(responses).where(responses.c.invitation_id == inv)).first()
    return row._mapping if row else None


def post_batch(client, *lines):
    body = "\n".join(json.dumps(line) for line in lines).encode()
    response = client.post("/v1/responses/batch", data=body, headers=PHONE, content_type="application/x-ndjson")
    assert response.status_code == 200
    return response.json["results"]


def test_forged_reply_from_a_non_invitee_is_kept_for_review(app_env, known):
    app, bus = app_env
    client = app.test_client()
    mine = client.post("/v1/inbound-email", data=reply(known, "4\r\nFixed."), content_type="message/rfc822",
                       headers=INBOUND)
    assert mine.json["status"] == "recorded"
    forged = client.post("/v1/inbound-email", data=reply(known, "1\r\nTerrible.", sender="mallory@example.org"),
                         content_type="message/rfc822", headers=INBOUND)
    assert forged.status_code == 202 and forged.json["status"] == "kept_for_review"
    row = stored(bus, known)
    assert (row["version"], row["score"], row["comment"]) == (1, 4, "Fixed.")
    with bus.uow_factory() as uow:
        [kept] = uow.unmatched.list()
    assert (kept._mapping["invitation_id"], kept._mapping["reason"]) == (known, "sender is not the invitee")


@pytest.mark.parametrize("to,reason", [
    ("survey+{inv}@replies.localhost", "reply address without its tag"),
    ("survey+{inv}.0123456789abcdef@replies.localhost", "reply address with a wrong tag")])
def test_reply_without_or_with_a_wrong_tag_is_kept_for_review(app_env, known, to, reason):
    app, bus = app_env
    raw = reply(known, "1", to=to.format(inv=known))
    posted = app.test_client().post("/v1/inbound-email", data=raw, content_type="message/rfc822", headers=INBOUND)
    assert posted.json["status"] == "kept_for_review"
    with bus.uow_factory() as uow:
        assert [r._mapping["reason"] for r in uow.unmatched.list()] == [reason]
        assert not uow.responses.exists_for(known)


def test_api_answer_for_an_unknown_invitation_is_422(app_env):
    client, inv = app_env[0].test_client(), uuid.uuid4().hex
    response = client.post("/v1/responses", json={"score": 5, "invitation_id": inv}, headers=PHONE)
    assert response.status_code == 422 and list(response.json["errors"]["json"]) == ["invitation_id"]
    [line] = post_batch(client, {"score": 5, "invitation_id": inv})
    assert line["status"] == "rejected" and list(line["errors"]) == ["invitation_id"]
    with app_env[1].uow_factory() as uow:
        assert not uow.responses.exists_for(inv)


def test_api_answer_cannot_move_an_invitation_to_another_directorate(app_env, known, kafka_bootstrap,
                                                                     topic_reader):
    app, bus = app_env
    client, reader = app.test_client(), topic_reader(kafka_bootstrap)
    moved = client.post("/v1/responses", headers=PHONE, json={
        "score": 1, "invitation_id": known, "directorate": "Children's Services", "ticket_id": "INC1"})
    assert moved.status_code == 422
    assert set(moved.json["errors"]["json"]) == {"directorate", "ticket_id"}
    [line] = post_batch(client, {"score": 1, "invitation_id": known, "team": "Elsewhere"})
    assert line["status"] == "rejected" and list(line["errors"]) == ["team"]
    assert stored(bus, known) is None
    kept = client.post("/v1/responses", headers=PHONE, json={"score": 2, "invitation_id": known,
                                                             "directorate": "Place"})
    assert kept.status_code == 202
    [event] = reader.collect(lambda e: e.data.get("invitation_id") == known, 1)
    assert (event.data["directorate"], event.data["service"], event.data["category"], event.data["team"],
            event.data["ticket_id"], event.data["score"]) == ("Place", "Printing", "Hardware", "Field", "INC77", 2)


def test_api_answer_without_invitation_never_replaces_an_invitations_answer(app_env, known):
    app, bus = app_env
    client = app.test_client()
    mine = client.post("/v1/inbound-email", data=reply(known, "5"), content_type="message/rfc822", headers=INBOUND)
    assert mine.json["status"] == "recorded"
    loose = {"score": 1, "directorate": "Place", "team": "Field", "ticket_id": "INC77"}
    single = client.post("/v1/responses", json=loose, headers={**PHONE, "Idempotency-Key": known})
    [line] = post_batch(client, {**loose, "idempotency_key": known})
    assert single.status_code == 202 and line["status"] == "accepted"
    assert mine.json["response_id"] not in (single.json["response_id"], line["response_id"])
    row = stored(bus, known)
    assert (row["response_id"], row["version"], row["score"], row["channel"]) == (
        mine.json["response_id"], 1, 5, "email_reply")
    posing = client.post("/v1/responses", json={**loose, "channel": "email_reply"}, headers=PHONE)
    assert posing.status_code == 400 and list(posing.json["errors"]["json"]) == ["channel"]


@pytest.mark.parametrize("field", ["directorate", "service", "team", "category", "channel", "ticket_id"])
def test_control_characters_in_a_name_are_400_naming_the_field(app_env, field):
    client = app_env[0].test_client()
    answer = {"score": 4, "directorate": "Place", field: "Place\r\nBcc: everyone@example.org"}
    response = client.post("/v1/responses", json=answer, headers=PHONE)
    assert response.status_code == 400 and list(response.json["errors"]["json"]) == [field]
    [line] = post_batch(client, answer)
    assert line["status"] == "rejected" and list(line["errors"]) == [field]
