"""A follow-up made from the "as it is now" queue: a successor directorate's partner may mark a
predecessor's detractor the queue showed them, and nobody else gains anything (#17)."""
import re
from datetime import datetime, timezone

import pytest
from chassis.testing import FakeClock, FakePublisher

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import IssueToken
from analysis_svc.entrypoints.worker import handle_records
from analysis_svc.testing import FakeAnalyser, record, response

ADMIN = {"Authorization": "Bearer admin-secret"}
NOW = datetime(2026, 11, 20, 10, tzinfo=timezone.utc)
BEFORE = datetime(2026, 10, 10, 9, tzinfo=timezone.utc)  # under the old names


@pytest.fixture
def client(tmp_path):
    bus = build(Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", admin_token="admin-secret"),
                analyser=FakeAnalyser(), publisher=FakePublisher(), clock=FakeClock(NOW))
    client = create_app(bus).test_client()
    for path, body in (
            ("/v1/organisations", {"name": "Ashby", "id": "ashby"}),
            ("/v1/nodes", {"organisation": "ashby", "name": "Old Housing", "id": "housing"}),
            ("/v1/nodes", {"organisation": "ashby", "name": "Old Planning", "id": "planning"}),
            ("/v1/nodes", {"organisation": "ashby", "name": "Place", "id": "place"}),
            ("/v1/reorganisations", {"kind": "merge", "effective": "2026-11-01",
                                     "sources": ["housing", "planning"], "targets": ["place"]})):
        answer = client.post(path, json=body, headers=ADMIN)
        assert answer.status_code == 201, answer.json
    handle_records(bus, [record(response("old-1", score=1, directorate="Old Housing",
                                         submitted_at=BEFORE)),
                         record(response("old-2", score=1, directorate="Old Housing",
                                         submitted_at=BEFORE))])
    bus.handle(IssueToken(("Place",), "Place partner", None, token="pt_place"))
    bus.handle(IssueToken(("Elsewhere",), "Other partner", None, token="pt_other"))
    yield client
    bus.close()


def _signed_in(client, token: str):
    fresh = client.application.test_client()
    signed = fresh.post("/dashboard/sign-in", data={"token": token, "csrf_token": _csrf(fresh)})
    assert signed.status_code == 302
    return fresh


def _csrf(client, path="/dashboard/sign-in") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"',
                     client.get(path).get_data(as_text=True))[1]


def _follow_up(client, token: str, response_id: str, view: str | None):
    partner = _signed_in(client, token)
    form = {"note": "Rang them back", "csrf_token": _csrf(partner, "/dashboard/detractors"),
            **({"view": view} if view else {})}
    return partner.post(f"/dashboard/detractors/{response_id}/follow-up", data=form)


def _queue(client, token: str, view: str | None) -> str:
    return _signed_in(client, token).get(
        "/dashboard/detractors", query_string={"view": view} if view else {}).get_data(as_text=True)


def test_the_successor_partner_marks_what_the_as_now_queue_showed(client):
    assert 'id="case-old-1"' in _queue(client, "pt_place", "as_now")
    assert 'id="case-old-1"' not in _queue(client, "pt_place", None)
    assert _follow_up(client, "pt_place", "old-1", "as_now").status_code == 302
    assert 'id="case-old-1"' not in _queue(client, "pt_place", "as_now")  # followed up
    assert _follow_up(client, "pt_place", "old-2", None).status_code == 404  # not read as it was
    assert _follow_up(client, "pt_place", "old-2", "as_was").status_code == 404


def test_nobody_gains_a_response_they_cannot_read(client):
    assert 'id="case-old-1"' not in _queue(client, "pt_other", "as_now")
    assert _follow_up(client, "pt_other", "old-1", "as_now").status_code == 404
    assert _follow_up(client, "pt_other", "missing", "as_now").status_code == 404
