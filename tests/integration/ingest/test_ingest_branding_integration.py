"""The survey pages carry the organisation's branding, its retention wording and its templates."""
from pathlib import Path

import pytest

from chassis.branding import load_branding
from chassis.privacy.retention import Period

from ingest_svc.app import create_app
from ingest_svc.bootstrap import build

pytestmark = pytest.mark.integration
BRANDING = Path(__file__).resolve().parents[2] / "fixtures" / "branding"


@pytest.fixture
def branded(db_url, kafka_bootstrap, make_settings):
    def make(**environ):
        bus = build(make_settings(db_url, kafka_bootstrap,
                                  retention_comments=Period(36, "months")))
        branding = load_branding({"BRANDING_FILE": str(BRANDING / "branding.toml"), **environ})
        return create_app(bus, branding=branding).test_client()
    return make


def test_pages_show_the_organisation_name_logo_colours_and_links(branded, make_token):
    client = branded()
    page = client.get(f"/s/{make_token()}").get_data(as_text=True)
    assert "Cyngor Bro Enghraifft" in page and "Digital Services" in page
    assert "– Digital Services</title>" in page and "ICT Service" not in page
    assert 'src="/s/brand/logo" alt="Cyngor Bro Enghraifft logo"' in page
    assert 'href="https://example.gov.wales/privacy">Privacy notice</a>' in page
    assert "We keep your answer for no longer than three years." in page
    css = client.get("/s/brand/style.css")
    assert css.mimetype == "text/css"
    assert "#4a1a6b" in css.get_data(as_text=True) and "GDS Transport" not in css.get_data(as_text=True)
    logo = client.get("/s/brand/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/svg+xml"


def test_a_welsh_page_uses_the_welsh_branding_and_retention_wording(branded, make_token):
    page = branded().get(f"/s/{make_token(lang='cy')}").get_data(as_text=True)
    assert "Gwasanaethau Digidol" in page
    assert 'href="https://example.gov.wales/cy/preifatrwydd">Hysbysiad preifatrwydd</a>' in page
    assert "Nid ydym yn cadw eich ateb am fwy na thair blynedd." in page


def test_an_expired_welsh_link_says_so_in_welsh(branded, make_token):
    from datetime import timedelta
    response = branded().get(f"/s/{make_token(lang='cy', ttl=timedelta(seconds=-5))}")
    assert response.status_code == 410
    assert "Mae&#39;r ddolen arolwg hon wedi dod i ben" in response.get_data(as_text=True)


def test_the_organisations_templates_override_the_packaged_ones(branded, make_token):
    client = branded(TEMPLATES_OVERRIDE_DIR=str(BRANDING / "templates"))
    thanks = client.get(f"/s/{make_token()}/thanks").get_data(as_text=True)
    assert 'data-override="yes">Cyngor Bro Enghraifft: We read every comment' in thanks
    # Templates it does not override still come from the package.
    assert "Overall, how satisfied" in client.get(f"/s/{make_token()}").get_data(as_text=True)
