"""Survey pages against the real broker, on SQLite and PostgreSQL."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ingest_svc.adapters.orm import provisional_ratings, responses
from ingest_svc.app import create_app
from ingest_svc.bootstrap import build

from .conftest import csrf_of

pytestmark = pytest.mark.integration


def count_rows(bus, table=responses):
    with bus.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_scanner_get_and_head_record_nothing(app_env, make_token, kafka_bootstrap, topic_reader):
    app, bus = app_env
    reader = topic_reader(kafka_bootstrap)
    client, inv = app.test_client(), uuid.uuid4().hex
    token = make_token(inv)
    for score in range(1, 6):
        assert client.get(f"/s/{token}?score={score}").status_code == 200
        assert client.head(f"/s/{token}?score={score}").status_code == 200
    assert count_rows(bus) == 0 and count_rows(bus, provisional_ratings) == 0
    # A later real answer for another invitation arrives; nothing for `inv` came before it.
    other = uuid.uuid4().hex
    page = client.get(f"/s/{make_token(other)}").get_data(as_text=True)
    client.post(f"/s/{make_token(other)}", data={"csrf_token": csrf_of(page), "score": "3"})
    events = reader.collect(lambda e: e.data.get("invitation_id") in (inv, other), 1)
    assert [e.data["invitation_id"] for e in events] == [other]


def test_send_then_amend_reaches_topic_with_cohort(app_env, make_token, kafka_bootstrap, topic_reader):
    app, _ = app_env
    reader = topic_reader(kafka_bootstrap)
    client, inv = app.test_client(), uuid.uuid4().hex
    token = make_token(inv)
    page = client.get(f"/s/{token}?score=4").get_data(as_text=True)
    assert "You have already answered" not in page
    sent = client.post(f"/s/{token}", data={"csrf_token": csrf_of(page), "score": "4",
                                            "resolved": "yes", "comment": "<b>Great</b> & quick"})
    assert sent.status_code == 303
    thanks = client.get(sent.headers["Location"])
    assert "Thank you for your feedback" in thanks.get_data(as_text=True)
    assert "You have already answered" in client.get(f"/s/{token}").get_data(as_text=True)
    client.post(f"/s/{token}", data={"csrf_token": csrf_of(page), "score": "2"})
    events = reader.collect(lambda e: e.data.get("invitation_id") == inv, 2)
    first, second = events
    assert (first.event_type, second.event_type) == ("response.submitted", "response.amended")
    assert first.data["comment"] == "<b>Great</b> & quick"
    assert (first.data["directorate"], first.data["service"], first.data["category"],
            first.data["team"]) == ("Adult Social Care", "Email and Calendar", "Software", "Service Desk")
    assert second.data["response_id"] == first.data["response_id"] and second.data["version"] == 2


def test_comment_markup_escaped_when_shown_again(app_env, make_token):
    app, _ = app_env
    client, token = app.test_client(), make_token()
    page = client.get(f"/s/{token}").get_data(as_text=True)
    shown = client.post(f"/s/{token}", data={"csrf_token": csrf_of(page), "score": "9",
                                             "comment": "<script>alert(1)</script>"})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 400
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def bad_posts(token, csrf):
    yield "missing csrf", token, {"score": "4"}, 400
    for score in ("0", "6", "abc"):
        yield f"score {score}", token, {"csrf_token": csrf, "score": score}, 400
    yield "long comment", token, {"csrf_token": csrf, "score": "4", "comment": "x" * 10_000}, 400
    yield "oversized body", token, {"csrf_token": csrf, "score": "4", "comment": "x" * 200_000}, 413


def test_bad_input_gets_4xx_and_records_nothing(app_env, make_token, survey_keys):
    app, bus = app_env
    client, token = app.test_client(), make_token()
    csrf = csrf_of(client.get(f"/s/{token}").get_data(as_text=True))
    for name, tok, form, status in bad_posts(token, csrf):
        response = client.post(f"/s/{tok}", data=form)
        assert response.status_code == status, name
        assert "Traceback" not in response.get_data(as_text=True)
    invalid_utf8 = client.post(f"/s/{token}", data=b"csrf_token=" + csrf.encode() + b"&score=4&comment=%FF%FE\xff",
                               content_type="application/x-www-form-urlencoded")
    assert invalid_utf8.status_code == 400
    expired = make_token(ttl=timedelta(seconds=-5))
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for bad, status in ((expired, 410), (forged, 404), (token[: len(token) // 2], 404), ("x" * 5000, 404)):
        for response in (client.get(f"/s/{bad}"), client.post(f"/s/{bad}", data={"csrf_token": csrf, "score": "4"})):
            assert response.status_code == status
            assert "<h1" in response.get_data(as_text=True)
    assert count_rows(bus) == 0


def test_security_headers_on_pages(app_env, make_token):
    app, _ = app_env
    response = app.test_client().get(f"/s/{make_token()}")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_declare_the_language_they_are_written_in(app_env, make_token):
    """A Welsh invitation opens Welsh pages (lang="cy"), each with a switch to English."""
    app, _ = app_env
    client, token = app.test_client(), make_token(lang="cy")
    for path, heading in ((f"/s/{token}", "Sut wnaethon ni?"),
                          (f"/s/{token}/unsubscribe", "Atal yr arolygon hyn")):
        body = client.get(path).get_data(as_text=True)
        assert '<html lang="cy"' in body and heading in body, path
        assert f'href="{path}?lang=en" hreflang="en" lang="en">English</a>' in body, path
    english = client.get(f"/s/{token}?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in english and "How did we do?" in english
    assert 'lang="cy">Cymraeg</a>' in english
    # The choice sticks for the rest of the visit.
    assert '<html lang="en"' in client.get(f"/s/{token}/unsubscribe").get_data(as_text=True)


def test_unsubscribe_one_click_publishes_optout(app_env, make_token, kafka_bootstrap, topic_reader):
    app, _ = app_env
    reader = topic_reader(kafka_bootstrap)
    client, inv = app.test_client(), uuid.uuid4().hex
    token = make_token(inv)
    assert client.get(f"/s/{token}/unsubscribe").status_code == 200
    response = client.post(f"/s/{token}/unsubscribe", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    [event] = reader.collect(lambda e: e.data.get("invitation_id") == inv, 1)
    assert event.event_type == "optout.requested" and event.data["channel"] == "list_unsubscribe_post"
    assert client.post(f"/s/{token}/unsubscribe", data={}).status_code == 400  # no CSRF, no one-click


def test_rate_limit_per_token(db_url, kafka_bootstrap, make_settings, make_token):
    settings = make_settings(db_url, kafka_bootstrap, rate_limit_token="3 per minute")
    bus = build(settings)
    try:
        client, token = create_app(bus).test_client(), make_token()
        statuses = [client.post(f"/s/{token}", data={"score": "4"}).status_code for _ in range(5)]
        assert statuses[:3] == [400, 400, 400] and statuses[3:] == [429, 429]
        refused = client.post(f"/s/{token}", data={"score": "4"})
        assert "Too many attempts" in refused.get_data(as_text=True)  # the pages' own 429 page
        assert int(refused.headers["Retry-After"]) > 0
    finally:
        bus.close()


def test_rate_limit_per_ip_on_the_pages_only(db_url, kafka_bootstrap, make_settings, make_token):
    settings = make_settings(db_url, kafka_bootstrap, rate_limit_ip="2 per minute")
    bus = build(settings)
    try:
        client, token = create_app(bus).test_client(), make_token()
        pages = [client.get(f"/s/{token}") for _ in range(3)]
        assert [r.status_code for r in pages] == [200, 200, 429]
        assert pages[0].headers["X-RateLimit-Limit"] == "2"
        answer, auth = {"score": 4, "directorate": "Place"}, {"Authorization": "Bearer phone-token"}
        others = [client.get("/healthz") for _ in range(3)] + [
            client.post("/v1/responses", json=answer, headers=auth) for _ in range(3)]
        assert [r.status_code for r in others] == [200] * 3 + [202] * 3
        assert not any("X-RateLimit-Limit" in r.headers for r in others)
    finally:
        bus.close()


def test_database_away_is_a_friendly_page_and_a_json_503(kafka_bootstrap, make_settings, make_token, tmp_path):
    folder = tmp_path / "db"
    folder.mkdir()
    bus = build(make_settings(f"sqlite:///{folder / 'ingest.db'}", kafka_bootstrap))
    try:
        client, token = create_app(bus).test_client(), make_token()
        assert client.get(f"/s/{token}").status_code == 200
        for path in folder.iterdir():  # the database's disk is gone: SQLite cannot open it again
            path.unlink()
        folder.rmdir()
        bus.engine.dispose()
        page = client.get(f"/s/{token}")
        assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
        assert page.mimetype == "text/html" and "problem with the service" in page.get_data(as_text=True)
        api = client.post("/v1/responses", json={"score": 4, "directorate": "A", "invitation_id": uuid.uuid4().hex},
                          headers={"Authorization": "Bearer phone-token"})
        assert api.status_code == 503 and api.headers["Retry-After"].isdigit() and api.json["code"] == 503
    finally:
        bus.close()


def test_provisional_rating_needs_the_scripts_proof_of_a_person(app_env, make_token):
    app, bus = app_env
    client, inv = app.test_client(), uuid.uuid4().hex
    token = make_token(inv)
    csrf = csrf_of(client.get(f"/s/{token}?score=4").get_data(as_text=True))
    for proof in ({}, {"interaction": "visibilitychange"}):
        refused = client.post(f"/s/{token}/provisional", data={"csrf_token": csrf, "score": "4", **proof})
        assert refused.status_code == 400
    assert count_rows(bus, provisional_ratings) == 0
    kept = client.post(f"/s/{token}/provisional", data={"csrf_token": csrf, "score": "4",
                                                        "interaction": "pointerdown"})
    assert kept.status_code == 204 and count_rows(bus, provisional_ratings) == 1
