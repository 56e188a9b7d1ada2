"""The dashboard in headless Chromium: partner, admin, hostile comments, accessibility."""
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "dashboard"))
import dashboard_seed  # noqa: E402

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "dashboard"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app on a real port over a database filled by the real consumer."""
    from werkzeug.serving import make_server
    from analysis_svc.app import create_app
    services = dashboard_seed.seed(f"sqlite:///{tmp_path_factory.mktemp('dash') / 'analysis.db'}")
    http = make_server("127.0.0.1", 0, create_app(services), threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    services.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, server, token):
    page.goto(f"{server}/dashboard")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server}/dashboard")


def axe_violations(page) -> list:
    page.add_script_tag(url="/assets/axe-core/axe.min.js")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_partner_sees_own_directorate_filters_comments_and_follows_up(page, server):
    sign_in(page, server, dashboard_seed.PARTNER)
    options = page.locator("#f-directorate option").all_inner_texts()
    assert options == ["Adult Social Care"]
    assert page.locator("[data-headline=csat]").inner_text().endswith("%")
    assert page.locator("#chart-csat").is_visible()  # Chart.js drew over the table
    shot(page, "partner-overview")
    page.get_by_role("link", name="Comments").click()
    page.get_by_label("Score").select_option("1")
    page.get_by_role("button", name="Apply").click()
    scores = page.locator("#comments tbody tr td:nth-child(3)").all_inner_texts()
    assert scores and set(scores) == {"1"}
    assert "Public Health" not in page.content()
    shot(page, "partner-comments-filtered")
    page.get_by_role("link", name="Detractor follow-up").click()
    first = page.locator(".govuk-summary-card").first
    case_id = first.get_attribute("id")
    first.get_by_label("What did you do?").fill("Rang them; engineer booked for Monday.")
    first.get_by_role("button", name="Mark as followed up").click()
    assert page.get_by_text("Marked as followed up.").is_visible()
    assert page.locator(f"#{case_id}").count() == 0
    assert "engineer booked for Monday" in page.locator("#followed-up").inner_text()
    shot(page, "partner-followed-up")


def test_hostile_comment_is_plain_text_in_every_view(page, server):
    sign_in(page, server, dashboard_seed.ADMIN)
    for path in ("/dashboard/comments?directorate=Adult+Social+Care&score=1",
                 "/dashboard/detractors?directorate=Adult+Social+Care"):
        page.goto(server + path)
        assert page.get_by_text("<script>window.__pwned = 1</script><b>bold</b>", exact=False).first.is_visible()
        assert page.evaluate("window.__pwned") is None
        assert page.locator(".dash-comment b, .dash-comment img, .dash-comment script").count() == 0
    shot(page, "hostile-comment-as-text")


def test_admin_compares_two_directorates(page, server):
    sign_in(page, server, dashboard_seed.ADMIN)
    page.get_by_role("link", name="Compare directorates").click()
    for box in page.locator(".govuk-checkboxes__input").all():
        box.uncheck()
    page.get_by_label("Adult Social Care").check()
    page.get_by_label("Public Health").check()
    page.get_by_role("button", name="Compare").click()
    headers = page.locator("#compare-table thead th").all_inner_texts()
    assert headers[1:] == ["Adult Social Care", "Public Health"]
    assert page.locator("#chart-compare").is_visible()
    shot(page, "admin-compare")


def test_no_wcag_violations_and_keyboard_works(page, server):
    page.goto(f"{server}/dashboard/sign-in")
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type(dashboard_seed.ADMIN)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server}/dashboard")
    for path in ("/dashboard", "/dashboard/comments", "/dashboard/detractors", "/dashboard/compare",
                 "/reports/board"):
        page.goto(server + path)
        assert axe_violations(page) == [], path
