"""A preview's test email: its page shows like the real one, and nothing it posts is recorded."""
import pytest
from sqlalchemy import func, select

from ingest_svc.adapters.orm import provisional_ratings, responses

from .conftest import csrf_of

pytestmark = pytest.mark.integration


def rows(bus, table):
    with bus.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_a_test_send_is_answered_but_never_recorded(app_env, make_token):
    app, bus = app_env
    client, token = app.test_client(), make_token(lang="cy", test=True)
    page = client.get(f"/s/{token}?score=2").get_data(as_text=True)
    assert "Sut wnaethon ni?" in page
    csrf = csrf_of(page)
    sent = client.post(f"/s/{token}", data={"csrf_token": csrf, "score": "2", "resolved": "yes"})
    assert sent.status_code == 200 and "Ni chofnodwyd dim" in sent.get_data(as_text=True)
    kept = client.post(f"/s/{token}/provisional", data={"csrf_token": csrf, "score": "2",
                                                        "interaction": "pointerdown"})
    assert kept.status_code == 204
    stopped = client.post(f"/s/{token}/unsubscribe", data={"csrf_token": csrf})
    assert "Prawf oedd hwn" in stopped.get_data(as_text=True)
    assert rows(bus, responses) == 0 and rows(bus, provisional_ratings) == 0
