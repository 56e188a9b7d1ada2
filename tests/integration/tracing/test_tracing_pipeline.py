"""One answer posted to ingest-svc over HTTP is one trace through Kafka to analysis-svc's commit,
its request id reaches the consumer's log line, and the access log names routes, not paths."""
import json
import urllib.request
import uuid
from datetime import timedelta

import pytest
from opentelemetry.trace import SpanKind
from sqlalchemy import select

from chassis.tokens import sign_token
from devkit.testing import wait_for

from analysis_svc.adapters import orm

pytestmark = pytest.mark.integration
EMAIL = "morwenna.tregarthen@example.org"


def post(url: str, body: dict, headers: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), json.loads(response.read())


def get(url: str, headers: dict) -> tuple[int, dict]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return response.status, dict(response.headers)


def stored(pipeline, response_id: str) -> bool:
    with pipeline.analysis.sessions() as session:
        return session.execute(select(orm.responses.c.directorate).where(
            orm.responses.c.response_id == response_id)).scalar() == pipeline.directorate


def parent_of(span):
    return span.parent.span_id if span.parent is not None else None


def test_one_answer_is_one_trace_from_http_to_the_consumers_commit(pipeline, spans, log_lines):
    request_id = f"trace-{uuid.uuid4().hex[:12]}"
    status, headers, receipt = post(
        f"{pipeline.url}/v1/responses", {"score": 4, "directorate": pipeline.directorate},
        {"Authorization": "Bearer phone-token", "X-Request-ID": request_id})
    assert (status, receipt["delivery"], headers["X-Request-ID"]) == (202, "published", request_id)
    wait_for(lambda: stored(pipeline, receipt["response_id"]), 60, message="analysis-svc stores it")

    [http] = [s for s in spans.get_finished_spans() if s.name == "POST /v1/responses"]
    trace_id = http.context.trace_id

    def ours():
        found = [s for s in spans.get_finished_spans() if s.context.trace_id == trace_id]
        return found if any(s.name == "COMMIT" for s in found) else None
    in_trace = wait_for(ours, 30, message="the commit span in the request's trace")
    by_name = {s.name: s for s in in_trace}
    send, process, commit = (by_name["send feedback.responses"],
                             by_name["process feedback.responses"], by_name["COMMIT"])
    assert (http.kind, send.kind, process.kind, commit.kind) == (
        SpanKind.SERVER, SpanKind.PRODUCER, SpanKind.CONSUMER, SpanKind.CLIENT)
    assert http.attributes["http.route"] == "/v1/responses"
    assert http.attributes["http.response.status_code"] == 202
    # each hop is the child of the one before: HTTP -> produce -> (Kafka headers) -> consume -> commit
    assert parent_of(send) == http.context.span_id
    assert parent_of(process) == send.context.span_id
    assert parent_of(commit) == process.context.span_id
    assert commit.attributes["db.system.name"] == "sqlite"

    lines = [json.loads(line) for line in log_lines()]
    [access] = [line for line in lines if line.get("logger") == "chassis.access"
                and line["route"] == "/v1/responses"]
    assert (access["method"], access["status"], access["request_id"]) == ("POST", 202, request_id)
    assert access["trace_id"] == format(trace_id, "032x")
    handled = [line for line in lines if line["message"] == "batch handled"
               and request_id in line["request_ids"]]
    assert handled and handled[0]["logger"] == "chassis.kafka.consumer"


def test_the_access_log_of_a_survey_page_names_its_route_not_its_token(pipeline, log_lines):
    token = sign_token(pipeline.keys[0], {
        "inv": uuid.uuid4().hex, "tkt": "INC0012345", "res": 1, "dir": pipeline.directorate,
        "svc": "Email and Calendar", "cat": "Software", "team": "Service Desk", "ch": "portal",
        "lang": "en"}, timedelta(days=7))
    status, headers = get(f"{pipeline.url}/s/{token}?score=2&email={EMAIL}",
                          {"Authorization": "Bearer phone-token", "X-Request-ID": "bad id;\t"})
    assert status == 200
    made = headers["X-Request-ID"]
    assert made != "bad id;\t" and len(made) == 32

    lines = log_lines()
    [access] = [json.loads(line) for line in lines if '"chassis.access"' in line]
    assert {k: access[k] for k in ("service", "method", "route", "status", "request_id")} == {
        "service": "ingest-svc", "method": "GET", "route": "/s/<token>", "status": 200,
        "request_id": made}
    assert isinstance(access["duration_ms"], float) and access["duration_ms"] > 0
    logged = "\n".join(lines)
    for secret in (token, token[-40:], EMAIL, "phone-token", "score=2"):
        assert secret not in logged, secret
