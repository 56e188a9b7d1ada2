"""A view's own 400s name their field in the one error shape (not dropped on the way out)."""
from ingest_svc.app import create_app
from ingest_svc.bootstrap import build
from ingest_svc.config import Settings

from .fakes import FakeRawPublisher


def _client(tmp_path):
    settings = Settings(survey_verify_key="unused", secret_key="unused", reply_tag_key="unused",
                        api_tokens=("phone:phone-token",), inbound_token="inbound-token",
                        database_url=f"sqlite:///{tmp_path / 'ingest.db'}",
                        spool_dir=str(tmp_path / "spool"))
    bus = build(settings, publisher=FakeRawPublisher())
    return create_app(bus).test_client(), bus


def test_inbound_email_without_a_message_names_the_field(tmp_path):
    client, bus = _client(tmp_path)
    try:
        got = client.post("/v1/inbound-email", data={"to": "x@y"},
                          headers={"Authorization": "Bearer inbound-token"})
        assert got.status_code == 400
        assert got.json["errors"] == {"form": {"email": ["Missing raw MIME field."]}}
    finally:
        bus.close()


def test_a_too_long_idempotency_key_names_the_header(tmp_path):
    client, bus = _client(tmp_path)
    try:
        got = client.post("/v1/responses", json={"score": 4, "directorate": "Place"},
                          headers={"Authorization": "Bearer phone-token", "Idempotency-Key": "k" * 201})
        assert got.status_code == 400
        assert got.json["errors"] == {"headers": {"Idempotency-Key": ["Longer than 200."]}}
    finally:
        bus.close()
