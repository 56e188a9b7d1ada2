"""A Welsh invitation answered end to end in Welsh in headless Chromium, axe-core clean on every
page in both languages, with the organisation's name, logo and colours in the email and the page."""
import re
import threading
import uuid
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from chassis.branding import load_branding
from chassis.tokens import generate_keypair, sign_token
from devkit.testing import free_port, wait_for

from ingest_svc.adapters.orm import responses
from ingest_svc.app import create_app
from ingest_svc.bootstrap import build
from ingest_svc.config import Settings
from survey_svc.adapters.email import EmailRenderer
from survey_svc.domain.model import Invitation, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.integration]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BRANDING = load_branding({"BRANDING_FILE": str(Path(__file__).resolve().parents[1] / "fixtures"
                                               / "branding" / "branding.toml")})


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


@pytest.fixture(scope="module")
def live(keys, kafka_bootstrap, tmp_path_factory):
    """ingest-svc, branded, served over real HTTP on a free port (real broker, SQLite)."""
    folder = tmp_path_factory.mktemp("welsh-browser")
    settings = Settings(survey_verify_key=keys[1], secret_key=uuid.uuid4().hex, reply_tag_key="unused",
                        database_url=f"sqlite:///{folder / 'ingest.db'}",
                        kafka_bootstrap_servers=kafka_bootstrap, spool_dir=str(folder / "spool"))
    bus = build(settings)
    server = make_server("127.0.0.1", free_port(), create_app(bus, branding=BRANDING), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", bus
    server.shutdown()
    bus.close()


def welsh_email(live, keys):
    """survey-svc's own renderer: the Welsh invitation email for a Welsh-speaking requester."""
    now = datetime.now(timezone.utc)
    renderer = EmailRenderer(public_survey_url=live[0], signing_key=keys[0],
                             mail_from="Digital <digital@council.example>", reply_domain="r.example",
                             reply_tag_key="k", branding=BRANDING)
    ticket = Ticket(ticket_id="INC-CY1", resolution=1, resolved_at=now, requester_id="u1",
                    requester_email="gwen@example.org", requester_name="Gwen",
                    directorate="Place", service="Argraffu", language="cy")
    inv = Invitation(uuid.uuid4().hex, ticket, now, now + timedelta(days=14), 3)
    return inv, message_from_bytes(renderer.render(inv, "invitation").data, policy=policy.default)


def axe_violations(page) -> list:
    page.add_script_tag(url="/assets/axe-core/axe.min.js")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def stored(bus, inv):
    with bus.engine.connect() as conn:
        return conn.execute(select(responses).where(responses.c.invitation_id == inv)).first()


def test_a_welsh_invitation_is_answered_in_welsh_and_carries_the_branding(browser, live, keys):
    inv, mail = welsh_email(live, keys)
    html = mail.get_body(("html",)).get_content()
    assert mail["Content-Language"] == "cy" and "Cyngor Bro Enghraifft" in html
    assert "background-color:#4a1a6b" in html and f'src="{live[0]}/s/brand/logo"' in html
    link = re.findall(rf'href="({re.escape(live[0])}/s/[\w.-]+\?score=4)"', html)[0]

    page = browser.new_page()
    page.goto(link)
    assert page.get_attribute("html", "lang") == "cy"
    assert page.inner_text("h1") == "Sut wnaethon ni?"
    assert page.is_checked("#score-4")
    header = page.locator(".govuk-header")
    assert "Cyngor Bro Enghraifft" in header.inner_text()
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(74, 26, 107)"
    assert page.locator("img.brand-logo").evaluate("img => img.complete && img.naturalWidth") == 40
    assert "GDS Transport" not in page.locator("body").evaluate("e => getComputedStyle(e).fontFamily")
    assert axe_violations(page) == []
    page.get_by_label("Bodlon iawn").check()
    page.get_by_label("Do", exact=True).check()
    page.get_by_label("Dywedwch fwy wrthym (dewisol)").fill("Diolch, roedd y peiriannydd yn wych")
    # GOV.UK Frontend's own counter speaks Welsh too (its data-i18n attributes).
    assert "nod ar ôl" in page.inner_text(".govuk-character-count__status")
    page.get_by_role("button", name="Anfon").click()
    page.wait_for_url("**/thanks")
    assert page.get_attribute("html", "lang") == "cy"
    assert page.inner_text("h1") == "Diolch am eich adborth"
    assert axe_violations(page) == []
    row = wait_for(lambda: stored(live[1], inv.id), timeout=10)
    assert (row.score, row.resolved, row.comment) == (5, "yes", "Diolch, roedd y peiriannydd yn wych")
    page.close()


def welsh_link(live, keys, ttl=timedelta(days=7)):
    token = sign_token(keys[0], {"inv": uuid.uuid4().hex, "tkt": "INC-CY2", "res": 1, "dir": "Place",
                                 "lang": "cy"}, ttl)
    return f"{live[0]}/s/{token}"


@pytest.mark.parametrize("language", ["cy", "en"])
def test_every_page_is_axe_clean_with_a_language_switch(browser, live, keys, language):
    url = welsh_link(live, keys)
    # A Welsh browser (Accept-Language): the one page with no invitation to go by uses it.
    context = browser.new_context(locale="cy-GB" if language == "cy" else "en-GB")
    fetched = []
    context.on("request", lambda request: fetched.append(request.url))
    pages = {}
    for name, target in {"survey": url, "unsubscribe": url + "/unsubscribe",
                         "expired": welsh_link(live, keys, timedelta(seconds=-1)),
                         "unrecognised": url[:-20]}.items():
        pages[name] = context.new_page()
        pages[name].goto(target + ("?lang=en" if language == "en" else ""))
    pages["survey"].get_by_role("button", name="Anfon" if language == "cy" else "Send").click()
    pages["survey"].wait_for_selector(".govuk-error-summary")  # the error state
    pages["unsubscribe"].get_by_role("button").click()
    pages["unsubscribe"].wait_for_selector(".govuk-panel")
    other = {"cy": ("English", "en"), "en": ("Cymraeg", "cy")}[language]
    for name, shown in pages.items():
        assert shown.get_attribute("html", "lang") == language, name
        switch = shown.get_by_role("link", name=other[0])
        assert switch.get_attribute("lang") == other[1], name
        assert axe_violations(shown) == [], name
    pages["survey"].get_by_role("link", name=other[0]).click()
    pages["survey"].wait_for_load_state()
    assert pages["survey"].get_attribute("html", "lang") == other[1]
    assert not [url for url in fetched if "/assets/fonts/" in url]  # no GDS Transport
    context.close()
