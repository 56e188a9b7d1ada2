"""`suite-demo seed` records the two councils and the split through analysis-svc's admin API
over HTTP; with the demo's answers consumed, both views, the dashboard toggle and the board
report show it (SQLite + PostgreSQL)."""
import threading
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from chassis.kafka import Record
from chassis.testing import FakePublisher
from contracts.envelope import encode

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.entrypoints.worker import handle_records
from dashboard_seed import ADMIN, settings
from suite_demo.catalogue import SPLIT
from suite_demo.cli import cli
from suite_demo.history import history
from test_dashboard_pages import signed_in

pytestmark = pytest.mark.integration
NOW = datetime(2026, 5, 31, 12, tzinfo=timezone.utc)
ASC = {SPLIT.source, *SPLIT.targets}
AUTH = {"Authorization": f"Bearer {ADMIN}"}
MONTHS = ["2026-03", "2026-04", "2026-05"]


@pytest.fixture
def served(db_url, tmp_path):
    """analysis-svc on a real port, the structure recorded by `suite-demo seed`, then three
    months of the demo's Adult Social Care answers around the split consumed."""
    services = build(settings(db_url), publisher=FakePublisher())
    app = create_app(services)
    app.config["TESTING"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    args = ["seed", "--now", NOW.strftime("%Y-%m-%d %H:%M:%S"), "--state-dir", str(tmp_path),
            "--analysis-url", url, "--admin-token", ADMIN]
    (tmp_path / "demo-seeded").write_text("published elsewhere\n")  # this test has no broker
    first = CliRunner().invoke(cli, args)
    assert "demo structure: 3 councils, Adult Social Care split on 2026-04-01" in first.output
    assert "demo structure: already recorded" in CliRunner().invoke(cli, args).output
    events = [e for e in history(seed=5, now=NOW, weeks=13) if e.data.get("directorate") in ASC]
    for start in range(0, len(events), 1000):
        handle_records(services, [Record(e.topic, 0, start + i, e.key, encode(e))
                                  for i, e in enumerate(events[start:start + 1000])])
    yield app
    server.shutdown()
    thread.join(5)
    services.close()


def _get(client, path, **query):
    answer = client.get(path, headers=AUTH, query_string={"from": "2026-03-01",
                                                          "to": "2026-05-31", **query})
    assert answer.status_code == 200, answer.data[:300]
    return answer.json


def test_the_demo_split_reads_in_both_views_with_the_same_totals(served):
    client = served.test_client()
    assert client.get("/v1/unknown-names", headers=AUTH).json == []
    now = _get(client, "/v1/trends", period="month", view="as_now")
    lines = {}
    for row in now:
        lines.setdefault(row["directorate"], []).append(row["period"])
    assert lines == {name: MONTHS for name in SPLIT.targets}
    assert [m["date"] for r in now if r["period"] == "2026-04" for m in r["markers"]]
    was = {r["directorate"] for r in _get(client, "/v1/trends", period="month", view="as_was")
           if r["period"] == "2026-03"}
    assert was == {SPLIT.source}
    whole = [_get(client, "/v1/totals", period="month", group_by="", view=v)
             for v in ("as_was", "as_now")]
    assert whole[0] == whole[1]


def test_the_dashboard_toggle_and_the_board_report_state_the_view(served):
    client = signed_in(served, ADMIN)
    page = client.get("/dashboard?view=as_now&period=week&from=2026-03-01").get_data(as_text=True)
    assert 'value="as_now" checked' in page and 'value="week" selected' in page
    assert f'<option value="{SPLIT.source}"' not in page
    assert all(f'<option value="{name}"' in page for name in SPLIT.targets)
    assert 'data-marker="2026-04-01"' in page and "Directorates as they are now" in page
    assert 'href="/reports/board?view=as_now"' in page  # the view goes with the viewer
    was = client.get("/dashboard?period=month&from=2026-03-01").get_data(as_text=True)
    assert 'value="as_was" checked' in was and f'<option value="{SPLIT.source}"' in was
    assert 'data-marker="2026-04-01"' in was  # the marker shows in either view
    bad = client.get("/dashboard?view=sideways").get_data(as_text=True)
    assert "Choose as they were or as they are now" in bad
    report = client.get("/reports/board?from=2026-03-01&to=2026-05-31&view=as_now")
    text = report.get_data(as_text=True)
    assert report.status_code == 200 and "as they are now" in text
    assert 'data-marker="2026-04-01"' in text and f"<th scope=\"row\">{SPLIT.source}" not in text
    assert "as they were" in client.get("/reports/board?from=2026-03-01&to=2026-05-31") \
        .get_data(as_text=True)
    assert client.get("/reports/board?view=later").status_code == 400


def test_the_follow_up_queue_and_loop_closure_read_in_both_views(served):
    from datetime import date
    from analysis_svc import read_model
    bus = served.extensions["bus"]
    today, north = date(2026, 5, 31), sorted(SPLIT.targets)[0]
    with bus.sessions() as db:
        loops = {v: read_model.closure(db, None, date(2026, 3, 1), date(2026, 5, 31), view=v,
                                       today=today) for v in ("as_was", "as_now")}
        assert loops["as_was"].detractors == loops["as_now"].detractors > 0
        queue = read_model.detractor_queue(db, None, north, limit=500, view="as_now", today=today)
        assert queue and {row["directorate"] for row in queue} == {north}
        assert any(row["submitted_at"].date() < date(2026, 4, 1) for row in queue)  # its past
        stored = read_model.detractor_queue(db, None, north, limit=500)
        assert len(stored) < len(queue)
        partial = read_model.closure(db, None, date(2026, 3, 1), date(2026, 5, 31), north,
                                     view="as_now", today=today)
        assert 0 < partial.detractors < loops["as_now"].detractors
    client = signed_in(served, ADMIN)
    page = client.get(f"/dashboard/detractors?view=as_now&directorate={north}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f">{SPLIT.source} –" not in text and f">{north} –" in text
    assert 'name="view" value="as_now"' in text


def test_the_report_cli_writes_either_view(served, db_url, tmp_path, monkeypatch):
    from analysis_svc.entrypoints.cli import cli as analysis_cli
    monkeypatch.setenv("ANALYSIS_DATABASE_URL", db_url)
    out = tmp_path / "board.html"
    for view, said in (("as_now", "as they are now"), ("as_was", "as they were")):
        result = CliRunner().invoke(analysis_cli, ["report", "--from", "2026-03-01", "--to",
                                                   "2026-05-31", "--out", str(out), "--view", view])
        assert result.exit_code == 0, result.output
        html = out.read_text()
        assert said in html and 'data-marker="2026-04-01"' in html
    refused = CliRunner().invoke(analysis_cli, ["report", "--from", "2026-03-01", "--to",
                                                "2026-05-31", "--out", str(out), "--view", "x"])
    assert refused.exit_code == 2
