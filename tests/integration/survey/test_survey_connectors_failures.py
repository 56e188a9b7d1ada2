"""A service desk that rate-limits, fails, hangs or sends what the mapping cannot read: the
poll retries what should be retried, records the failure on /metrics, loses nothing, and a
failing write-back waits and retries without holding anything else up."""
import json
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from devkit.stub_api import StubApi
from survey_svc import bootstrap
from survey_svc.adapters.orm import connector_state, decisions, invitations, itsm_writebacks
from survey_svc.app import create_app
from survey_svc.connectors.http import ItsmUnavailable
from survey_svc.connectors.pull import load_pull_connectors
from survey_svc.domain.commands import DeliverWriteBacks, PollConnector, QueueWriteBack
from survey_svc.domain.writeback import Answer

pytestmark = pytest.mark.integration
INCIDENTS = json.loads((Path(__file__).parents[2] / "fixtures" / "itsm" / "servicenow"
                        / "pull_incidents.json").read_text())
CONNECTORS = """
[pull.snow]
kind = "servicenow"
url = "{url}"
username = "survey"
secret_env = "SNOW_PASSWORD"
start = "2024-03-01"
timeout = 0.5
attempts = 3
[pull.snow.writeback]
on = ["detractor"]
"""


class Desk:
    """A ServiceNow that answers as each test scripts it: a list of (status, body, headers)."""

    def __init__(self):
        self.script, self.lock = [], threading.Lock()
        self.api = StubApi(self.answer).start()

    def answer(self, request):
        with self.lock:
            step = self.script.pop(0) if self.script else (200, {"result": []})
        if step == "hang":
            time.sleep(2)
            return 200, {"result": []}
        return step


@pytest.fixture
def desk():
    desk = Desk()
    yield desk
    desk.api.stop()


@pytest.fixture
def survey_snow(survey_settings, clock, desk, tmp_path):
    path = tmp_path / "connectors.toml"
    path.write_text(CONNECTORS.format(url=desk.api.url))
    bus = bootstrap.build(survey_settings, clock=clock, connectors=load_pull_connectors(
        str(path), {"SNOW_PASSWORD": "pw"}))
    yield bus
    bus.close()


def state(bus) -> dict:
    with bus.engine.connect() as conn:
        return dict(conn.execute(select(connector_state)).first()._mapping)


def table(bus, t) -> list:
    with bus.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(t))]


def metrics(bus) -> str:
    return create_app(bus).test_client().get("/metrics").get_data(as_text=True)


def test_a_429_is_waited_out_as_retry_after_says(desk, survey_snow):
    desk.script = [(429, {"error": {"message": "Rate limit exceeded"}}, {"Retry-After": "1"}),
                   (200, INCIDENTS)]
    started = time.monotonic()

    result = survey_snow.handle(PollConnector("snow"))

    assert time.monotonic() - started >= 1  # waited as told
    assert len(desk.api.requests) == 2  # the 429, then the page (shorter than a page: the last)
    assert (result.surveyed, result.not_surveyed) == (2, 1)
    assert state(survey_snow)["failures"] == 0


def test_a_failing_tool_is_recorded_retried_next_time_and_loses_nothing(desk, survey_snow):
    desk.script = [(500, {"error": {"message": "boom"}})] * 3

    with pytest.raises(ItsmUnavailable):
        survey_snow.handle(PollConnector("snow"))

    assert len(desk.api.requests) == 3  # `attempts`, with backoff between them
    failed = state(survey_snow)
    assert failed["failures"] == 1 and "HTTP 500" in failed["last_error"]
    assert failed["checkpoint"] is None  # nothing read, nothing skipped
    assert 'survey_connector_poll_failures{connector="snow"} 1.0' in metrics(survey_snow)

    desk.script = ["hang"] * 3  # then it stops answering in time
    with pytest.raises(ItsmUnavailable, match="ReadTimeout"):
        survey_snow.handle(PollConnector("snow"))
    assert state(survey_snow)["failures"] == 2

    desk.script = [(200, INCIDENTS)]  # back: everything since the start is read
    assert survey_snow.handle(PollConnector("snow")).surveyed == 2
    assert state(survey_snow)["failures"] == 0
    assert 'survey_connector_poll_failures{connector="snow"} 0.0' in metrics(survey_snow)


def test_records_the_mapping_cannot_read_are_skipped_counted_and_the_rest_decided(
        desk, survey_snow):
    broken = {**INCIDENTS["result"][0], "number": "", "sys_id": "0000"}  # no ticket id
    desk.script = [(200, {"result": [broken, *INCIDENTS["result"][1:]]})]

    result = survey_snow.handle(PollConnector("snow"))

    assert (result.skipped, result.surveyed, result.not_surveyed) == (1, 1, 1)
    assert {r["ticket_id"] for r in table(survey_snow, decisions)} == {"INC0010024",
                                                                       "INC0010025"}
    assert 'survey_connector_skipped{connector="snow"} 1.0' in metrics(survey_snow)


def test_a_failing_write_back_waits_retries_and_blocks_nothing(desk, survey_snow, clock):
    desk.script = [(200, INCIDENTS)]
    survey_snow.handle(PollConnector("snow"))
    inv = next(i for i in table(survey_snow, invitations) if i["ticket_id"] == "INC0010023")
    answer = Answer("resp-1", 1, 2, "no", None, clock.now())
    assert survey_snow.handle(QueueWriteBack(inv["id"], answer)) == "queued"
    desk.script = [(503, {"error": {"message": "maintenance"}}, {"Retry-After": "0"})] * 3

    assert vars(survey_snow.handle(DeliverWriteBacks())) == {"done": 0, "retrying": 1,
                                                             "failed": 0}

    [wb] = table(survey_snow, itsm_writebacks)
    assert (wb["status"], wb["attempts"], wb["noted_at"]) == ("pending", 1, None)
    assert wb["next_attempt_at"] == clock.now() + timedelta(seconds=30)
    assert "HTTP 503" in wb["last_error"] and wb["note"]
    scraped = metrics(survey_snow)
    assert 'survey_itsm_writebacks{connector="snow",status="pending"} 1.0' in scraped
    assert 'survey_itsm_writeback_oldest_pending_seconds{connector="snow"}' in scraped
    assert survey_snow.handle(DeliverWriteBacks()).retrying == 0  # not due yet: left alone

    clock.advance(timedelta(seconds=31))
    desk.api.requests.clear()
    assert survey_snow.handle(DeliverWriteBacks()).done == 1
    [note] = desk.api.requests
    assert note.method == "PATCH" and "Score: 2 of 5" in note.json()["work_notes"]
    assert table(survey_snow, itsm_writebacks)[0]["status"] == "done"


def test_a_refused_write_back_gives_up_after_its_attempts(desk, survey_snow, clock):
    desk.script = [(200, INCIDENTS)]
    survey_snow.handle(PollConnector("snow"))
    inv = next(i for i in table(survey_snow, invitations) if i["ticket_id"] == "INC0010024")
    survey_snow.handle(QueueWriteBack(inv["id"], Answer("resp-2", 1, 1, None, None, clock.now())))
    desk.script = [(403, {"error": {"message": "ACL"}})] * 20

    for _ in range(12):
        survey_snow.handle(DeliverWriteBacks())
        clock.advance(timedelta(hours=2))

    [wb] = table(survey_snow, itsm_writebacks)
    assert (wb["status"], wb["attempts"]) == ("failed", 12)
    assert len(desk.api.requests) == 1 + 12  # the poll, then one try each (a 403 is not repeated)
    assert 'survey_itsm_writebacks{connector="snow",status="failed"} 1.0' in metrics(survey_snow)
