"""Sessions you can end: re-checked against the token store, an absolute lifetime, rotated on
sign-in, Secure over https; the trusted header only from an allowed proxy (real SQLite)."""
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from ipaddress import ip_network

import pytest

from chassis.testing import FakeClock, FakePublisher

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import IssueToken, RevokeToken

pytestmark = pytest.mark.integration
ADMIN = "admin-" + "s" * 24
PARTNER = "pt_sessions_partner"
HEADER = {"X-Forwarded-Email": "bp@council.example"}


@pytest.fixture
def make_bus(tmp_path):
    made = []

    def make(**settings):
        bus = build(Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", admin_token=ADMIN,
                             run_worker=False, model_dir="", **settings),
                    publisher=FakePublisher(), clock=FakeClock(datetime(2026, 11, 2, 9, tzinfo=timezone.utc)))
        made.append(bus)
        return bus

    yield make
    for bus in made:
        bus.close()


@pytest.fixture
def bus(make_bus):
    bus = make_bus()
    bus.handle(IssueToken(("Adults",), "Adults BP", "bp@council.example", token=PARTNER))
    return bus


def _csrf(client) -> str:
    html = client.get("/dashboard/sign-in").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def _sign_in(client, token):
    return client.post("/dashboard/sign-in", data={"token": token, "csrf_token": _csrf(client)})


def _cookie(client):
    cookie = client.get_cookie("session")
    return cookie and cookie.value


def test_a_revoked_token_is_signed_out_on_its_next_request(bus):
    client = create_app(bus).test_client()
    assert _sign_in(client, PARTNER).status_code == 302
    assert client.get("/dashboard").status_code == 200
    [token] = [t for t in bus.tokens.listing() if t["label"] == "Adults BP"]
    assert bus.handle(RevokeToken(token["id"]))
    gone = client.get("/dashboard")
    assert gone.status_code == 302 and gone.headers["Location"].startswith("/dashboard/sign-in")
    assert client.get("/reports/board").status_code == 302


def test_a_session_ends_eight_hours_after_sign_in_however_busy(bus):
    client = create_app(bus).test_client()
    _sign_in(client, PARTNER)
    for _ in range(8 * 60 - 1):  # used every minute: the lifetime must not slide
        bus.clock.advance(timedelta(minutes=1))
        assert client.get("/dashboard/detractors").status_code == 200
    bus.clock.advance(timedelta(minutes=1, seconds=1))
    assert client.get("/dashboard/detractors").status_code == 302
    assert _cookie(client) is None  # the expired cookie is dropped, not kept


def test_sign_in_issues_a_new_session_and_drops_what_the_browser_came_with(bus):
    app = create_app(bus)
    client = app.test_client()
    with client.session_transaction() as planted:  # a fixation attempt: a session made beforehand
        planted["token_hash"], planted["signed_in_at"], planted["planted"] = "x" * 64, 0.0, True
    before = _cookie(client)
    assert _sign_in(client, PARTNER).status_code == 302
    after = _cookie(client)
    assert after and after != before
    with client.session_transaction() as session:
        assert "planted" not in session and session["token_hash"] != "x" * 64
    again = _cookie(client)
    _sign_in(client, PARTNER)
    assert _cookie(client) != again  # even the same token signing in again gets a new session


@pytest.mark.parametrize("public_url, forced, secure", [
    ("https://dash.council.example", None, True), ("http://127.0.0.1:8003", None, False),
    ("https://dash.council.example", False, False)])
def test_the_cookie_is_secure_whenever_the_public_url_is_https(make_bus, public_url, forced, secure):
    settings = {"public_url": public_url} | ({} if forced is None else {"secure_cookie": forced})
    app = create_app(make_bus(**settings))
    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post("/dashboard/sign-in", data={"token": ADMIN}, base_url=public_url)
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies and all(("; Secure" in c) is secure for c in cookies)


def _trusting(bus, **settings):
    return create_app(build(replace(bus.settings, trusted_header_name="X-Forwarded-Email", **settings),
                            migrate_db=False, publisher=FakePublisher(), clock=bus.clock)).test_client()


def _as(client, peer, headers=None):
    return client.get("/dashboard", headers={**HEADER, **(headers or {})},
                      environ_base={"REMOTE_ADDR": peer})


def test_the_trusted_header_is_believed_only_from_an_allowed_proxy(bus):
    client = _trusting(bus, trusted_proxy_addresses=(ip_network("10.0.0.0/8"),), trusted_proxy_hops=1)
    assert _as(client, "10.1.2.3").status_code == 200
    assert _as(client, "203.0.113.9").status_code == 302  # a client reaching us directly
    # X-Forwarded-For is the client's own text: ProxyFix believes it, the allow-list must not.
    assert _as(client, "203.0.113.9", {"X-Forwarded-For": "10.1.2.3"}).status_code == 302
    assert _as(_trusting(bus), "10.1.2.3").status_code == 302  # nothing allowed: never believed


def test_the_trusted_header_with_a_shared_secret(bus):
    client = _trusting(bus, trusted_header_secret="proxy-secret")
    assert _as(client, "203.0.113.9", {"X-Trusted-Proxy-Secret": "proxy-secret"}).status_code == 200
    assert _as(client, "203.0.113.9", {"X-Trusted-Proxy-Secret": "guess"}).status_code == 302
    assert _as(client, "203.0.113.9").status_code == 302
    both = _trusting(bus, trusted_header_secret="proxy-secret",
                     trusted_proxy_addresses=(ip_network("10.0.0.0/8"),))
    assert _as(both, "203.0.113.9", {"X-Trusted-Proxy-Secret": "proxy-secret"}).status_code == 302
