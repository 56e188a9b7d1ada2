"""The "as they were / as they are now" toggle in headless Chromium over the demo's split (#17)."""
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "dashboard"))
import dashboard_seed  # noqa: E402

pytestmark = pytest.mark.browser
NOW = datetime(2026, 5, 31, 12, tzinfo=timezone.utc)
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "dashboard"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def sign_in(page, server, token):
    page.goto(f"{server}/dashboard")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/dashboard")


def axe_violations(page) -> list:
    page.add_script_tag(url="/assets/axe-core/axe.min.js")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a real port; the demo's structure recorded over HTTP, its split consumed."""
    from werkzeug.serving import make_server
    from chassis.kafka import Record
    from chassis.testing import FakePublisher
    from contracts.envelope import encode
    from analysis_svc.app import create_app
    from analysis_svc.bootstrap import build
    from analysis_svc.entrypoints.worker import handle_records
    from suite_demo import structure
    from suite_demo.catalogue import SPLIT
    from suite_demo.history import history
    url = f"sqlite:///{tmp_path_factory.mktemp('view') / 'analysis.db'}"
    services = build(dashboard_seed.settings(url), publisher=FakePublisher())
    http = make_server("127.0.0.1", 0, create_app(services), threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{http.server_port}"
    structure.record(base, dashboard_seed.ADMIN, NOW.date())
    wanted = {SPLIT.source, *SPLIT.targets}
    events = [e for e in history(seed=5, now=NOW, weeks=13) if e.data.get("directorate") in wanted]
    handle_records(services, [Record(e.topic, 0, i, e.key, encode(e)) for i, e in enumerate(events)])
    yield base
    http.shutdown()
    services.close()


def test_the_view_toggle_keeps_the_other_filters_and_marks_the_split(page, server):
    sign_in(page, server, dashboard_seed.ADMIN)
    assert page.get_by_label("As they were").is_checked()
    assert "Adult Social Care" in page.locator("#f-directorate option").all_inner_texts()
    page.get_by_label("Group by").select_option("week")
    page.get_by_label("As they are now").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**view=as_now**")
    assert "period=week" in page.url
    assert page.get_by_label("As they are now").is_checked()
    assert page.get_by_label("Group by").input_value() == "week"
    options = page.locator("#f-directorate option").all_inner_texts()
    assert "Adult Social Care" not in options
    assert {"North Wessex Adult Social Care", "South Wessex Adult Social Care"} <= set(options)
    assert page.locator("#chart-csat").is_visible()
    markers = page.locator("#markers-csat")
    assert markers.is_visible() and "2026-04-01" in markers.inner_text()
    assert "split" in markers.inner_text()
    assert page.locator("#view-statement").inner_text().startswith("Directorates as they are now")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "view-as-now.png"), full_page=True)
    assert axe_violations(page) == []
