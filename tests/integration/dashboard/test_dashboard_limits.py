"""Rate limits on the dashboard's doors (sign-in, PDF reports, feeds) and the PDF printer's cap
(real SQLite; the printer is a fake that holds each print until the test lets it go)."""
import re
import threading
from datetime import datetime, timezone

import pytest

from chassis.testing import FakeClock, FakePublisher
from devkit.testing import wait_for

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings

pytestmark = pytest.mark.integration
ADMIN = "admin-" + "l" * 24
BEARER = {"Authorization": f"Bearer {ADMIN}"}


class HeldPrinter:
    """Prints a fake PDF once released; counts the prints in progress."""

    def __init__(self):
        self.release, self.printing, self.lock = threading.Event(), 0, threading.Lock()

    def __call__(self, html: str) -> bytes:
        with self.lock:
            self.printing += 1
        self.release.wait(30)
        with self.lock:
            self.printing -= 1
        return b"%PDF-1.7 fake"


@pytest.fixture
def make_app(tmp_path):
    made = []

    def make(print_pdf=None, **settings):
        bus = build(Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", admin_token=ADMIN,
                             run_worker=False, model_dir="", **settings),
                    publisher=FakePublisher(), clock=FakeClock(datetime(2026, 11, 2, tzinfo=timezone.utc)),
                    print_pdf=print_pdf or HeldPrinter())
        made.append(bus)
        return create_app(bus)

    yield make
    for bus in made:
        bus.close()


def test_sign_in_attempts_are_limited_per_address_with_retry_after(make_app):
    client = make_app(signin_rate_limit="3 per minute").test_client()
    html = client.get("/dashboard/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
    guesses = [client.post("/dashboard/sign-in", data={"token": f"guess-{i}", "csrf_token": csrf})
               for i in range(4)]
    assert [g.status_code for g in guesses] == [400, 400, 400, 429]
    assert int(guesses[-1].headers["Retry-After"]) > 0
    assert client.get("/dashboard/sign-in").status_code == 200  # reading the form is not limited
    other = client.post("/dashboard/sign-in", data={"token": ADMIN, "csrf_token": csrf},
                        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 302  # another address has its own allowance


def test_feeds_are_limited_per_token_and_made_up_tokens_share_the_address(make_app):
    client = make_app(feed_rate_limit="2 per minute").test_client()
    assert [client.get("/v1/trends", headers=BEARER).status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/v1/export.csv", headers=BEARER)
    assert refused.status_code == 429 and refused.json["code"] == 429 and refused.headers["Retry-After"]
    made_up = [client.get("/v1/trends", headers={"Authorization": f"Bearer nope-{i}"}).status_code
               for i in range(3)]
    assert made_up == [401, 401, 429]


def test_pdf_reports_are_limited_but_the_page_is_not(make_app):
    app = make_app(report_pdf_rate_limit="1 per minute", print_pdf=lambda html: b"%PDF-1.7")
    client = app.test_client()
    assert client.get("/reports/board?format=pdf", headers=BEARER).status_code == 200
    assert client.get("/reports/board?format=pdf", headers=BEARER).status_code == 429
    assert client.get("/reports/board", headers=BEARER).status_code == 200


def test_one_pdf_more_than_the_cap_gets_503_with_retry_after(make_app):
    printer = HeldPrinter()
    app = make_app(pdf_renders_at_once=2, print_pdf=printer)
    results: list = []

    def fetch():
        results.append(app.test_client().get("/reports/board?format=pdf", headers=BEARER))
    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: printer.printing == 2, message="two prints in progress")
        busy = app.test_client().get("/reports/board?format=pdf", headers=BEARER)
        assert busy.status_code == 503 and int(busy.headers["Retry-After"]) > 0
        assert busy.json["code"] == 503 and "try again" in busy.json["message"]
    finally:
        printer.release.set()
        for thread in threads:
            thread.join(30)
    assert [r.status_code for r in results] == [200, 200]
    assert all(r.mimetype == "application/pdf" for r in results)
    assert app.test_client().get("/reports/board?format=pdf", headers=BEARER).status_code == 200
