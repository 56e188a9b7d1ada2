"""App-level behaviour: OpenAPI, readiness, the CLI, the lifecycle worker and the DLQ."""
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from chassis.kafka import Record

from ingest_svc.entrypoints.worker import handle_message

pytestmark = pytest.mark.integration


def test_every_endpoint_in_openapi_with_a_summary(app_env):
    spec = app_env[0].test_client().get("/openapi.json").json
    for path in ("/s/{token}", "/v1/responses", "/v1/responses/batch", "/v1/inbound-email"):
        assert path in spec["paths"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "delete"):
                assert operation.get("summary"), f"{method} {path}"


def test_readyz_reports_database_and_broker(app_env):
    response = app_env[0].test_client().get("/readyz")
    assert response.status_code == 200 and response.json["checks"] == {"database": "ok", "broker": "ok"}


def test_invalid_api_answer_goes_to_dlq(app_env, kafka_bootstrap, topic_reader):
    app, _ = app_env
    dlq, tag = topic_reader(kafka_bootstrap, "feedback.responses.dlq"), uuid.uuid4().hex
    response = app.test_client().post("/v1/responses", json={"score": 0, "directorate": tag},
                                      headers={"Authorization": "Bearer phone-token"})
    assert response.status_code == 400 and response.json["errors"]["json"]["score"]
    [rejected] = dlq.collect(lambda e: tag in e.data["value"], 1)
    assert rejected.data["reason"] == "invalid body for POST /v1/responses"


def test_invalid_lifecycle_message_is_dead_lettered(app_env, kafka_bootstrap, topic_reader):
    _, bus = app_env
    dlq, tag = topic_reader(kafka_bootstrap, "feedback.responses.dlq"), uuid.uuid4().hex
    handle_message(Record("surveys.lifecycle", 0, 0, tag, b'{"not": "' + tag.encode() + b'"}'), bus)
    [rejected] = dlq.collect(lambda e: tag in e.data["value"], 1)
    assert rejected.data["topic"] == "surveys.lifecycle" and rejected.data["rejected_by"] == "ingest-svc"


def test_cli_reports_missing_secret_in_one_line(tmp_path):
    cli = str(Path(sys.executable).with_name("ingest-svc"))
    result = subprocess.run([cli, "flush-spool"], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                 "PRIVACY_MASTER_KEY": "m" * 32})
    assert result.returncode == 2
    assert result.stderr.strip() == "error: SURVEY_VERIFY_KEY: required but not set"


def lifecycle_record(event_type: str, inv: str) -> Record:
    from datetime import datetime, timedelta, timezone

    from contracts import encode, make_envelope
    now = datetime.now(timezone.utc)
    data = {"directorate": "Resources", "invitation_id": inv, "ticket_id": "INC9", "at": now.isoformat()}
    if event_type == "invitation.created":
        data.update(resolution=1, requester_id="u-9", due_at=now.isoformat(),
                    expires_at=(now + timedelta(days=14)).isoformat())
    return Record("surveys.lifecycle", 0, 0, inv, encode(make_envelope(event_type, data, "survey-svc")))


def test_cancelled_invitation_stops_taking_answers(app_env, kafka_bootstrap, make_token):
    app, bus = app_env
    inv = uuid.uuid4().hex
    client, token = app.test_client(), make_token(inv)
    handle_message(lifecycle_record("invitation.created", inv), bus)
    assert client.get(f"/s/{token}").status_code == 200
    handle_message(lifecycle_record("invitation.cancelled", inv), bus)
    closed = client.get(f"/s/{token}")
    assert closed.status_code == 410 and "This survey is closed" in closed.get_data(as_text=True)
    assert client.post(f"/s/{token}", data={"score": "4"}).status_code == 410
