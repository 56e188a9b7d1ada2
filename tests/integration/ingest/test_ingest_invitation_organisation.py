"""Every answer carries its invitation's organisation (#17): ingest-svc keeps the one an
invitation.created names, so API answers and email replies carry it too, not only the page's."""
import dataclasses
import smtplib
import uuid

import pytest

from contracts import decode, encode

from devkit.testing import free_port
from ingest_svc.adapters.smtp_listener import start_listener
from ingest_svc.entrypoints.worker import handle_message

from .conftest import csrf_of
from .test_ingest_api_integration import PHONE, invitation_created, reply, reply_address

pytestmark = pytest.mark.integration


def announce(bus, organisation=None) -> str:
    """A fresh invitation as survey-svc announces it, with the organisation when given."""
    inv = uuid.uuid4().hex
    record = invitation_created(inv)
    if organisation:
        envelope = decode(record.value)
        envelope.data["organisation"] = organisation
        record = dataclasses.replace(record, value=encode(envelope))
    handle_message(record, bus)
    return inv


def reply_by_smtp(bus, invitations) -> None:
    port = free_port()
    controller = start_listener(bus, "replies.localhost", "127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for inv in invitations:
                smtp.sendmail("a@example.org", [reply_address(inv)], reply(inv, "4\r\nFine."))
    finally:
        controller.stop()


def test_api_answers_and_email_replies_carry_the_invitations_organisation(
        app_env, kafka_bootstrap, topic_reader):
    app, bus = app_env
    api_north, reply_north = announce(bus, "north-council"), announce(bus, "north-council")
    api_plain, reply_plain = announce(bus), announce(bus)
    reader, client = topic_reader(kafka_bootstrap), app.test_client()
    for inv in (api_north, api_plain):
        response = client.post("/v1/responses", json={"score": 3, "invitation_id": inv},
                               headers=PHONE)
        assert response.status_code == 202
    reply_by_smtp(bus, (reply_north, reply_plain))
    wanted = {api_north, reply_north, api_plain, reply_plain}
    events = {e.data["invitation_id"]: e.data for e in reader.collect(
        lambda e: e.data.get("invitation_id") in wanted, 4)}
    assert events[api_north]["organisation"] == events[reply_north]["organisation"] == "north-council"
    assert events[reply_north]["channel"] == "email_reply"
    assert "organisation" not in events[api_plain] and "organisation" not in events[reply_plain]


def test_the_page_prefers_the_invitations_organisation_to_its_links(
        app_env, kafka_bootstrap, topic_reader, make_token):
    app, bus = app_env
    stored, claimed = announce(bus, "north-council"), announce(bus)
    reader, client = topic_reader(kafka_bootstrap), app.test_client()
    for inv, claims in ((stored, {}), (claimed, {"org": "south-council"})):
        token = make_token(inv, **claims)
        page = client.get(f"/s/{token}").get_data(as_text=True)
        assert client.post(f"/s/{token}", data={"csrf_token": csrf_of(page),
                                               "score": "5"}).status_code == 303
    events = {e.data["invitation_id"]: e.data for e in reader.collect(
        lambda e: e.data.get("invitation_id") in (stored, claimed), 2)}
    assert events[stored]["organisation"] == "north-council"
    assert events[claimed]["organisation"] == "south-council"  # none stored: the link's, as before
