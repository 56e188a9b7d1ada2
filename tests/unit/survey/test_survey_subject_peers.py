"""The HTTP peer of subject access: bearer token and actor sent, transient failures retried with
backoff, a refusal not retried, every failure a PeerUnavailable naming no person."""
import pytest
import requests

from survey_svc.adapters.subject_peers import HttpSubjectPeer, peers_from_settings
from survey_svc.domain.subject_access import PeerUnavailable


class Answer:
    def __init__(self, status: int, body=None):
        self.status_code, self.body = status, body

    def json(self):
        if self.body is None:
            raise ValueError("no JSON")
        return self.body


class FakeSession:
    """Plays back answers (or raises them) in order and keeps what was sent."""

    def __init__(self, *answers):
        self.answers, self.sent = list(answers), []

    def post(self, url, json, timeout, headers):
        self.sent.append((url, json, timeout, headers))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def peer(session, attempts=3) -> HttpSubjectPeer:
    return HttpSubjectPeer("http://ingest:8002/", "admin-secret", timeout_s=2.5, attempts=attempts,
                           session=session, backoff_s=0.001)


def test_asks_with_the_admin_token_and_returns_the_records():
    session = FakeSession(Answer(200, {"service": "ingest-svc", "records": {"responses": [1]}}))
    assert peer(session).held(["a" * 64], ["inv1"], "survey-svc for dpo") == {"responses": [1]}
    [(url, body, timeout, headers)] = session.sent
    assert url == "http://ingest:8002/v1/admin/subject-data"
    assert body == {"subjects": ["a" * 64], "invitation_ids": ["inv1"]} and timeout == 2.5
    assert headers == {"Authorization": "Bearer admin-secret", "X-Actor": "survey-svc for dpo"}


def test_transient_failures_are_retried():
    session = FakeSession(requests.ConnectionError("refused"), Answer(503),
                          Answer(200, {"records": {}}))
    assert peer(session).held([], [], "x") == {}
    assert len(session.sent) == 3


@pytest.mark.parametrize("answers, reason", [
    ((requests.ConnectionError("refused pat@example.org"),) * 3, "unreachable (ConnectionError)"),
    ((requests.ReadTimeout(),) * 3, "no answer within 2.5 s"),
    ((Answer(502),) * 3, "answered HTTP 502")])
def test_what_keeps_failing_is_unavailable_with_a_reason_that_names_nobody(answers, reason):
    session = FakeSession(*answers)
    with pytest.raises(PeerUnavailable) as caught:
        peer(session).held([], [], "x")
    assert str(caught.value) == reason
    assert len(session.sent) == 3


@pytest.mark.parametrize("answer, reason", [
    (Answer(401), "refused with HTTP 401"), (Answer(200, None), "something other than"),
    (Answer(200, {"no": "records"}), "something other than")])
def test_a_refusal_or_a_wrong_answer_is_not_retried(answer, reason):
    session = FakeSession(answer)
    with pytest.raises(PeerUnavailable, match=reason):
        peer(session).held([], [], "x")
    assert len(session.sent) == 1


class _Settings:
    admin_token, subject_access_timeout_s = "t", 4.0
    ingest_admin_url, analysis_admin_url = "http://ingest:8002", ""


def test_only_the_services_with_an_admin_url_are_asked():
    peers = peers_from_settings(_Settings())
    assert list(peers) == ["ingest-svc"]
    assert peers["ingest-svc"].url == "http://ingest:8002/v1/admin/subject-data"
