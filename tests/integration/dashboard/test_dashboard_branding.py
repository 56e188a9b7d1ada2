"""The dashboard and the board report carry the organisation's name, logo, colours and font stack."""
from pathlib import Path

import pytest

from dashboard_seed import ADMIN

pytestmark = pytest.mark.integration
BRANDING = Path(__file__).resolve().parents[2] / "fixtures" / "branding" / "branding.toml"
MONTH = ("2026-10-01", "2026-10-31")


@pytest.fixture
def branded(seeded, monkeypatch):
    from analysis_svc.app import create_app
    monkeypatch.setenv("BRANDING_FILE", str(BRANDING))
    app = create_app(seeded)
    app.config["TESTING"] = True
    return app


def test_the_dashboard_shows_the_organisations_name_logo_and_colours(branded):
    client = branded.test_client()
    page = client.get("/dashboard/sign-in").get_data(as_text=True)
    assert "Cyngor Bro Enghraifft" in page and "Digital Services" in page
    assert "– Digital Services dashboard</title>" in page
    assert 'href="/dashboard/brand/style.css"' in page and 'src="/dashboard/brand/logo"' in page
    css = client.get("/dashboard/brand/style.css").get_data(as_text=True)
    assert "background-color: #4a1a6b" in css and "GDS Transport" not in css
    assert client.get("/dashboard/brand/logo").mimetype == "image/svg+xml"


def test_the_board_report_carries_the_branding(branded):
    html = branded.test_client().get(f"/reports/board?from={MONTH[0]}&to={MONTH[1]}",
                                     headers={"Authorization": f"Bearer {ADMIN}"}).get_data(as_text=True)
    assert "<h1>Customer satisfaction with Digital Services</h1>" in html
    assert "Cyngor Bro Enghraifft" in html and 'href="/dashboard/brand/style.css"' in html
