"""Single sign-on to the dashboard in headless Chromium, through a real OpenID provider."""
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "dashboard"))
import dashboard_seed  # noqa: E402

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "dashboard"
# The organisation's own branding (the Welsh browser test shows it in the email and survey page).
BRANDING = Path(__file__).parents[1] / "fixtures" / "branding" / "branding.toml"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def server(tmp_path_factory, oidc_provider):
    """The real app, with OIDC_* set, on the port the provider knows, over seeded history."""
    from werkzeug.serving import make_server
    from analysis_svc.app import create_app
    from analysis_svc.bootstrap import build
    from analysis_svc.domain.sign_on import parse_group_scopes
    from chassis.testing import FakePublisher
    url = f"sqlite:///{tmp_path_factory.mktemp('sso') / 'analysis.db'}"
    dashboard_seed.seed(url, weeks=4).close()
    settings = dashboard_seed.settings(
        url, public_url=oidc_provider.app_url, oidc_issuer=oidc_provider.issuer,
        oidc_client_id=oidc_provider.client_id, oidc_client_secret=oidc_provider.client_secret,
        oidc_scopes="openid email profile groups", oidc_provider_name="Council account",
        oidc_group_scopes=parse_group_scopes(
            "dashboard-adult-social-care=Adult Social Care; dashboard-admins=admin"))
    services = build(settings, publisher=FakePublisher())
    with pytest.MonkeyPatch.context() as env:  # create_app reads BRANDING_FILE
        env.setenv("BRANDING_FILE", str(BRANDING))
        app = create_app(services)
    http = make_server("127.0.0.1", urlsplit(oidc_provider.app_url).port, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield SimpleNamespace(url=oidc_provider.app_url, services=services)
    http.shutdown()
    services.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # the provider's development login page asks for a web font: nothing leaves this machine
    context.route(lambda url: urlsplit(url).hostname not in {"127.0.0.1", "localhost"},
                  lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_on(page, server, login):
    page.goto(f"{server}/dashboard")
    page.get_by_role("button", name="Sign in with Council account").click()
    page.locator("input[name=login]").fill(login)  # the provider's own page
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()


def axe_violations(page) -> list:
    page.add_script_tag(url="/assets/axe-core/axe.min.js")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_mapped_user_signs_on_and_sees_only_the_granted_directorate(page, server):
    sign_on(page, server.url, "ada.partner")
    page.wait_for_url(f"{server.url}/dashboard")
    assert page.locator("#f-directorate option").all_inner_texts() == ["Adult Social Care"]
    assert "Signed in as Ada Partner (Adult Social Care)" in page.locator(".dash-signout").inner_text()
    header = page.locator("header.govuk-header")  # the council's own name, logo and colours
    assert "Cyngor Bro Enghraifft" in header.inner_text()
    assert header.locator("img.brand-logo").evaluate("img => img.naturalWidth") > 0
    assert header.evaluate("h => getComputedStyle(h).backgroundColor") == "rgb(74, 26, 107)"
    shot(page, "sso-partner-overview")
    page.get_by_role("link", name="Comments").click()
    assert page.locator("#comments tbody tr").count() > 0
    assert "Public Health" not in page.content()
    with server.services.uow_factory() as uow:  # the access audit names the person, not a token
        reads = uow.access_audit.page(action="dashboard.comments")["items"]
    assert reads[0]["actor"] == "oidc:ada.partner@council.example (dashboard session)"
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{server.url}/dashboard/comments")
    assert page.url.startswith(f"{server.url}/dashboard/sign-in")


def test_user_with_no_mapped_group_is_refused_with_a_clear_page(page, server):
    sign_on(page, server.url, "no.group")
    heading = page.get_by_role("heading", level=1)
    heading.wait_for()
    assert heading.inner_text() == "You cannot use the satisfaction dashboard"
    assert "no.group@council.example" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    shot(page, "sso-refused")
    page.goto(f"{server.url}/dashboard")
    assert page.url.startswith(f"{server.url}/dashboard/sign-in")  # no session was made


def test_sign_in_page_offers_both_ways_and_passes_axe(page, server):
    page.goto(f"{server.url}/dashboard/sign-in")
    assert page.get_by_role("button", name="Sign in with Council account").is_visible()
    assert page.get_by_label("Access token").is_visible()
    assert axe_violations(page) == []
