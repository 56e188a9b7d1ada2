"""ingest-svc's logs carry no personal data or tokens: a realistic flow (an answer with a comment
from the survey page and from the API, an email reply naming its sender, a failing request, a 404
on a token path) runs under the real JSON log handler, and nothing personal is in what it wrote."""
import io
import logging
import sys
import uuid

import pytest

from chassis.logs import configure_logging

from ingest_svc.app import create_app
from ingest_svc.bootstrap import build

from .conftest import csrf_of

pytestmark = pytest.mark.integration
NAME, EMAIL = "Philippa Quartermaine", "philippa.quartermaine@example.org"
COMMENT = "my neighbour Bartholomew fixed it first"


@pytest.fixture
def captured_logs(monkeypatch):
    """Everything the service logs at its default level, through chassis' JSON handler."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    configure_logging("ingest-svc", "INFO")
    yield stream
    root.handlers[:], _ = saved[0], root.setLevel(saved[1])


def test_a_realistic_flow_logs_nothing_personal(captured_logs, db_url, kafka_bootstrap, make_settings,
                                                make_token):
    bus = build(make_settings(db_url, kafka_bootstrap, admin_token="admin-token"))
    try:
        client = create_app(bus).test_client()
        token = make_token(uuid.uuid4().hex)
        page = client.get(f"/s/{token}?score=2").get_data(as_text=True)
        sent = client.post(f"/s/{token}", data={"csrf_token": csrf_of(page), "score": "2", "comment": COMMENT})
        assert sent.status_code == 303
        phone = {"Authorization": "Bearer phone-token"}
        assert client.post("/v1/responses", json={"score": 3, "directorate": "Place", "comment": COMMENT},
                           headers=phone).status_code == 202
        failing = client.post("/v1/responses", json={"score": 9, "directorate": "Place", "comment": COMMENT,
                                                     "requester": EMAIL}, headers=phone)
        assert failing.status_code == 400
        reply = (f"From: {NAME} <{EMAIL}>\r\nTo: survey@replies.localhost\r\nSubject: Re: survey\r\n\r\n"
                 f"5\r\n{COMMENT}\r\n").encode()
        kept = client.post("/v1/inbound-email", data=reply, content_type="message/rfc822",
                           headers={"Authorization": "Bearer inbound-token"})
        assert kept.json["status"] == "kept_for_review"
        assert client.get("/v1/inbound-email/unmatched",
                          headers={"Authorization": "Bearer admin-token"}).status_code == 200
        assert client.get(f"/s/{token[:-8]}{EMAIL}").status_code == 404
        assert client.get(f"/s/{token}/no-such-page").status_code == 404
    finally:
        bus.close()
    logs = captured_logs.getvalue()
    assert '"service": "ingest-svc"' in logs  # chassis' JSON handler did capture this run
    for secret in (NAME, EMAIL, COMMENT, token, token[-40:], "Bartholomew", "philippa"):
        assert secret.lower() not in logs.lower(), secret
