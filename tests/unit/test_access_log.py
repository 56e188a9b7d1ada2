"""chassis' access log: one JSON line per request with the route template, never the path,
query, headers or body; X-Request-ID kept when plain, made otherwise, and returned."""
import io
import json
import logging

import pytest
from flask import abort

from chassis.logs import configure_logging
from chassis.web import create_service_app

TOKEN = "eyJhbGciOiJFZERTQSJ9.c2VjcmV0LWNsYWltcw.c2lnbmF0dXJl"
EMAIL = "gwenllian.prydderch@example.org"


@pytest.fixture
def lines(monkeypatch):
    """The JSON lines logged so far, parsed (chassis' handler, INFO, tracing off)."""
    for name in ("OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT",
                 "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("test-svc", "INFO", stream=stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


@pytest.fixture
def client():
    app, _ = create_service_app("test-svc", None, title="test")

    @app.post("/s/<token>")
    def answer(token):
        logging.getLogger("test.view").info("answer kept")
        return "", 204

    @app.get("/boom")
    def boom():
        abort(503)
    return app.test_client()


def access_lines(lines):
    return [line for line in lines() if line["logger"] == "chassis.access"]


def test_a_request_is_one_line_with_its_route_and_no_token_or_personal_data(client, lines):
    response = client.post(f"/s/{TOKEN}?email={EMAIL}&access_token={TOKEN}",
                           data={"comment": f"write to {EMAIL}"},
                           headers={"Authorization": f"Bearer {TOKEN}", "X-Request-ID": "abc-123"})
    assert response.status_code == 204 and response.headers["X-Request-ID"] == "abc-123"
    [access] = access_lines(lines)
    assert set(access) == {"time", "level", "logger", "message", "service", "method", "route",
                           "status", "duration_ms", "request_id"}
    assert {k: access[k] for k in ("level", "message", "service", "method", "route", "status",
                                   "request_id")} == {
        "level": "INFO", "message": "request", "service": "test-svc", "method": "POST",
        "route": "/s/<token>", "status": 204, "request_id": "abc-123"}
    assert access["duration_ms"] >= 0
    logged = json.dumps(lines())
    for secret in (TOKEN, EMAIL, "Bearer", "access_token", "comment"):
        assert secret not in logged, secret


def test_the_views_own_lines_carry_the_request_id(client, lines):
    client.post("/s/x", headers={"X-Request-ID": "req.42"})
    [view] = [line for line in lines() if line["logger"] == "test.view"]
    assert view["request_id"] == "req.42"


@pytest.mark.parametrize("given", [None, "", "a" * 65, "has space", "semi;colon", "<script>",
                                   "ünïcode", "x\u2028y"])
def test_a_missing_long_or_unsafe_request_id_is_replaced(client, lines, given):
    headers = {} if given is None else {"X-Request-ID": given}
    response = client.post("/s/x", headers=headers)
    made = response.headers["X-Request-ID"]
    assert made != given and len(made) == 32 and made.isalnum()
    assert access_lines(lines)[0]["request_id"] == made


def test_unmatched_and_failing_requests_are_logged_with_their_status(client, lines):
    assert client.get(f"/s/{TOKEN}/no-such-page").status_code == 404
    assert client.get("/boom").status_code == 503
    assert [(a["route"], a["status"]) for a in access_lines(lines)] == [
        ("unmatched", 404), ("/boom", 503)]
    assert TOKEN not in json.dumps(lines())


def test_each_request_gets_its_own_id(client, lines):
    first = client.post("/s/x").headers["X-Request-ID"]
    second = client.post("/s/x").headers["X-Request-ID"]
    assert first != second
    assert [a["request_id"] for a in access_lines(lines)] == [first, second]
