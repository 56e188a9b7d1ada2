"""The admin preview page and test send (ADMIN_TOKEN): rendered, marked, nothing stored."""
from sqlalchemy import func, select

from survey_svc.adapters.orm import invitations

from .conftest import ADMIN

AUTH = {"Authorization": f"Bearer {ADMIN}"}


def test_the_preview_page_needs_the_admin_token(client):
    assert client.get("/v1/preview").status_code == 401
    assert client.post("/v1/preview/send", json={"send_to": "a@b.example"}).status_code == 401


def test_the_preview_page_shows_the_welsh_email_and_a_test_link(client):
    page = client.get("/v1/preview?language=cy&ticket_id=INC-5&requester_name=Dafydd", headers=AUTH)
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert "[TEST] Sut wnaethon ni gyda&#39;ch cais TG INC-5?" in body
    assert "Annwyl Dafydd" in body and 'sandbox srcdoc="' in body
    assert 'href="https://feedback.example.org/s/' in body
    assert "unsafe-inline" in page.headers["Content-Security-Policy"]
    assert "script-src" not in page.headers["Content-Security-Policy"]


def test_an_unknown_language_is_refused_by_name(client):
    response = client.get("/v1/preview?language=fr", headers=AUTH)
    assert response.status_code == 400
    assert "Must be one of: cy, en." in str(response.get_json()["errors"]["query"]["language"])


def test_a_test_send_arrives_marked_and_stores_no_invitation(client, survey, smtp_server):
    sent = client.post("/v1/preview/send", headers=AUTH,
                       json={"language": "en", "send_to": "tester@council.example"})
    assert sent.status_code == 200, sent.get_json()
    [mail] = smtp_server.wait_for_messages(1)
    assert mail["X-Survey-Test"] == "yes" and mail["Subject"].startswith("[TEST] ")
    with survey.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(invitations)).scalar() == 0
