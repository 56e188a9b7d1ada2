"""Rate limits on ingest's public doors, counted in a real Redis: two app instances (replicas)
share each count; 429 with Retry-After; SMTP refuses with a 451 to try later. Hostile mail
reaches both reply doors and is kept for review, never a 500 or a 451 retry loop."""
import smtplib
import uuid

import pytest

from devkit.testing import free_port

from ingest_svc.adapters.smtp_listener import start_listener
from ingest_svc.app import create_app
from ingest_svc.bootstrap import build

from .conftest import csrf_of

pytestmark = pytest.mark.integration
PHONE = {"Authorization": "Bearer phone-token"}
INBOUND = {"Authorization": "Bearer inbound-token"}
ANSWER = {"score": 4, "directorate": "Place"}


@pytest.fixture
def replicas(redis_url, kafka_bootstrap, make_settings, tmp_path):
    """Two ingest-svc apps (own buses, own databases) counting in one Redis."""
    buses = []

    def make(**limits):
        # a fresh database per test, and Redis keys no earlier test has touched
        settings = make_settings(f"sqlite:///{tmp_path / uuid.uuid4().hex}.db", kafka_bootstrap,
                                 rate_limit_storage_uri=redis_url, **limits)
        buses.extend(build(settings) for _ in range(2))
        return [create_app(bus).test_client() for bus in buses[-2:]]
    yield make
    for bus in buses:
        bus.close()


def refused_properly(response) -> bool:
    return (response.status_code == 429 and int(response.headers["Retry-After"]) > 0
            and response.json["code"] == 429)


def test_api_limit_per_source_is_shared_by_replicas(replicas):
    a, b = replicas(api_rate_limit="3 per minute")
    codes = [c.post("/v1/responses", json=ANSWER, headers=PHONE).status_code for c in (a, b, a)]
    assert codes == [202, 202, 202]
    assert refused_properly(b.post("/v1/responses", json=ANSWER, headers=PHONE))
    kiosk = a.post("/v1/responses", json=ANSWER, headers={"Authorization": "Bearer kiosk-token"})
    assert kiosk.status_code == 202  # each source system has its own count
    batch = a.post("/v1/responses/batch", data=b'{"score": 2, "directorate": "Place"}\n',
                   headers=PHONE, content_type="application/x-ndjson")
    assert batch.status_code == 200  # batches are counted apart


def test_batch_and_inbound_limits(replicas):
    a, b = replicas(batch_rate_limit="1 per minute", inbound_rate_limit="2 per minute")
    line = b'{"score": 2, "directorate": "Place"}\n'
    assert a.post("/v1/responses/batch", data=line, headers=PHONE).status_code == 200
    assert refused_properly(b.post("/v1/responses/batch", data=line, headers=PHONE))
    mail = b"From: a@example.org\r\nTo: survey@replies.localhost\r\n\r\n5"
    codes = [c.post("/v1/inbound-email", data=mail, content_type="message/rfc822", headers=INBOUND).status_code
             for c in (a, b)]
    assert codes == [202, 202]
    assert refused_properly(a.post("/v1/inbound-email", data=mail, content_type="message/rfc822",
                                   headers=INBOUND))


def test_page_limits_shared_by_replicas_keep_the_friendly_page(replicas, make_token):
    a, b = replicas(rate_limit_token="2 per minute")
    token = make_token()
    csrf = csrf_of(a.get(f"/s/{token}").get_data(as_text=True))
    assert [c.post(f"/s/{token}", data={"csrf_token": csrf}).status_code for c in (a, b)] == [400, 400]
    refused = a.post(f"/s/{token}", data={"csrf_token": csrf})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_smtp_listener_limit_per_peer(redis_url, kafka_bootstrap, make_settings, tmp_path):
    bus = build(make_settings(f"sqlite:///{tmp_path / 'smtp.db'}", kafka_bootstrap,
                              rate_limit_storage_uri=redis_url, inbound_rate_limit="2 per minute"))
    port = free_port()
    controller = start_listener(bus, "replies.localhost", "127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for _ in range(2):
                smtp.sendmail("a@example.org", ["survey@replies.localhost"], b"Subject: x\r\n\r\n5")
            with pytest.raises(smtplib.SMTPDataError) as refused:
                smtp.sendmail("a@example.org", ["survey@replies.localhost"], b"Subject: x\r\n\r\n5")
        assert refused.value.smtp_code == 451
    finally:
        controller.stop()
        bus.close()


def test_hostile_mail_through_both_doors_is_kept_for_review(app_env):
    app, bus = app_env
    deep = b"From: a@example.org\r\nTo: survey@replies.localhost\r\n" + b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(3000))
    posted = app.test_client().post("/v1/inbound-email", data=deep, content_type="message/rfc822",
                                    headers=INBOUND)
    assert posted.status_code == 202 and posted.json["status"] == "kept_for_review"
    port = free_port()
    controller = start_listener(bus, "replies.localhost", "127.0.0.1", port)
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            assert smtp.sendmail("a@example.org", ["survey@replies.localhost"], deep) == {}  # 250
    finally:
        controller.stop()
    with bus.uow_factory() as uow:
        assert [r.reason for r in uow.unmatched.list(2)] == ["too many parts"] * 2
