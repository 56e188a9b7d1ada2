"""The survey page in headless Chromium: mouse, keyboard only, no JavaScript, axe-core."""
import threading
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from chassis.tokens import generate_keypair, sign_token
from devkit.testing import free_port, wait_for

from ingest_svc.adapters.orm import provisional_ratings, responses
from ingest_svc.app import create_app
from ingest_svc.bootstrap import build
from ingest_svc.config import Settings
from ingest_svc.domain import commands

pytestmark = [pytest.mark.browser, pytest.mark.integration]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


@pytest.fixture(scope="module")
def live(keys, kafka_bootstrap, tmp_path_factory):
    """ingest-svc served over real HTTP on a free port (real broker, SQLite)."""
    folder = tmp_path_factory.mktemp("ingest-browser")
    settings = Settings(survey_verify_key=keys[1], secret_key=uuid.uuid4().hex, reply_tag_key="unused",
                        database_url=f"sqlite:///{folder / 'ingest.db'}",
                        kafka_bootstrap_servers=kafka_bootstrap, spool_dir=str(folder / "spool"))
    bus = build(settings)
    server = make_server("127.0.0.1", free_port(), create_app(bus), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", bus
    server.shutdown()
    bus.close()


@pytest.fixture
def link(live, keys):
    def make(score=None, ttl=timedelta(days=7)):
        inv = uuid.uuid4().hex
        token = sign_token(keys[0], {"inv": inv, "tkt": "INC0042", "res": 1, "dir": "Place",
                                     "svc": "Printing", "cat": "Hardware", "team": "Field",
                                     "ch": "phone", "lang": "en"}, ttl)
        return inv, f"{live[0]}/s/{token}" + (f"?score={score}" if score else "")
    return make


def stored(bus, inv, table=responses):
    with bus.engine.connect() as conn:
        return conn.execute(select(table).where(table.c.invitation_id == inv)).first()


def axe_violations(page) -> list:
    page.add_script_tag(url="/assets/axe-core/axe.min.js")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def test_choose_comment_send_with_mouse(browser, live, link):
    inv, url = link(score=4)
    page = browser.new_page()
    page.goto(url)
    assert page.is_checked("#score-4")
    assert axe_violations(page) == []
    page.get_by_label("Very satisfied").check()
    page.get_by_label("Yes").check()
    page.get_by_label("Tell us more (optional)").fill("Fixed my printer <b>fast</b>")
    expect(page.locator(".govuk-character-count__status")).to_contain_text("1,172 characters remaining")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/thanks")
    assert page.inner_text("h1") == "Thank you for your feedback"
    assert axe_violations(page) == []
    row = wait_for(lambda: stored(live[1], inv), timeout=10)
    assert (row.score, row.resolved, row.comment) == (5, "yes", "Fixed my printer <b>fast</b>")
    page.close()


def test_keyboard_only(browser, live, link):
    inv, url = link()
    page = browser.new_page()
    page.goto(url)
    for _ in range(30):  # Tab from the top until the first rating has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "score":
            break
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # radios: arrows move and select, 1 -> 2
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # "Yes"
    page.keyboard.press("ArrowRight")  # -> "No"
    page.keyboard.press("Tab")
    page.keyboard.type("Typed with the keyboard")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send"
    page.keyboard.press("Enter")
    page.wait_for_url("**/thanks")
    row = wait_for(lambda: stored(live[1], inv), timeout=10)
    assert (row.score, row.resolved, row.comment) == (3, "no", "Typed with the keyboard")
    page.close()


def test_works_without_javascript(browser, live, link):
    inv, url = link(score=1)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/thanks")
    assert stored(live[1], inv).score == 1
    context.close()


def test_every_page_has_no_axe_violations(browser, live, link):
    _, url = link()
    page = browser.new_page()
    page.goto(url)
    page.get_by_role("button", name="Send").click()  # no rating: the error state
    assert page.inner_text(".govuk-error-summary__title") == "There is a problem"
    pages = {"error state": page}
    for name, target in {"unsubscribe": url + "/unsubscribe", "expired": link(ttl=timedelta(seconds=-1))[1],
                         "unrecognised": url[:-20]}.items():
        pages[name] = browser.new_page()
        pages[name].goto(target)
    pages["unsubscribe"].get_by_role("button").click()
    pages["unsubscribe"].wait_for_selector(".govuk-panel")
    for name, shown in pages.items():
        assert axe_violations(shown) == [], name
        shown.close()


def test_person_who_clicks_and_leaves_keeps_a_provisional_rating(browser, live, link):
    bus = live[1]
    inv, url = link(score=2)
    page = browser.new_page()
    page.goto(url)  # just rendering (what a link-scanning sandbox does) records nothing
    page.wait_for_load_state("networkidle")
    assert stored(bus, inv, provisional_ratings) is None
    page.get_by_label("Dissatisfied", exact=True).click()  # a person's trusted interaction
    wait_for(lambda: stored(bus, inv, provisional_ratings), timeout=10)
    page.close()
    assert stored(bus, inv) is None  # provisional only, until the grace period passes
    bus.handle(commands.ConfirmStaleProvisionalRatings(0))
    row = stored(bus, inv)
    assert (row.score, row.source) == (2, "provisional-click")


def provisional_posts(page) -> list:
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.url.endswith("/provisional") else None)
    return posts


def settle(page) -> None:
    """A round trip from the page: a beacon the page queued before it is on its way."""
    page.evaluate("() => fetch('/healthz').then(r => r.status)")


@pytest.mark.parametrize("leaves", ["left alone", "hidden", "closed"])
def test_page_without_a_person_records_nothing(browser, live, link, leaves):
    bus = live[1]
    inv, url = link(score=5)
    context = browser.new_context()
    page = context.new_page()
    page.clock.install()
    posts = provisional_posts(page)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.clock.fast_forward("00:10")  # long past the old 3-second "visible a while" rule
    page.evaluate("document.querySelector('form').dispatchEvent(new PointerEvent('pointerdown', {bubbles: true}))")
    if leaves == "hidden":  # what the page sees when its tab goes to the background
        page.evaluate("""() => { Object.defineProperty(document, 'visibilityState', {value: 'hidden'});
                                 document.dispatchEvent(new Event('visibilitychange'));
                                 window.dispatchEvent(new PageTransitionEvent('pagehide')) }""")
    settle(page)
    if leaves == "closed":
        marker = context.new_page()
        page.close(run_before_unload=True)
        marker.goto(url)
        settle(marker)
    assert posts == [] and stored(bus, inv, provisional_ratings) is None
    bus.handle(commands.ConfirmStaleProvisionalRatings(0))
    assert stored(bus, inv) is None
    context.close()
