"""One desk, several councils (#17): the survey page wears the link's organisation's branding,
its stylesheet and logo are that organisation's, and the answer carries the organisation."""
import uuid
from datetime import timedelta

import pytest

from chassis.branding import load_branding
from ingest_svc.app import create_app
from ingest_svc.bootstrap import build

from .conftest import csrf_of

pytestmark = pytest.mark.integration
BRANDING = """organisation_name = "Shared ICT"
service_name = "ICT Service"
[organisations.north-council]
organisation_name = "North Council"
logo = "north.svg"
[organisations.north-council.colours]
header_background = "#123456"
[organisations.north-council.translations.cy]
organisation_name = "Cyngor y Gogledd"
"""


@pytest.fixture
def council(db_url, kafka_bootstrap, make_settings, tmp_path):
    (tmp_path / "branding.toml").write_text(BRANDING)
    (tmp_path / "north.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    bus = build(make_settings(db_url, kafka_bootstrap))
    branding = load_branding({"BRANDING_FILE": str(tmp_path / "branding.toml")})
    return create_app(bus, branding=branding).test_client()


def test_the_page_wears_the_links_organisations_branding(council, make_token):
    page = council.get(f"/s/{make_token(org='north-council')}").get_data(as_text=True)
    assert "North Council" in page and "Shared ICT" not in page
    assert 'href="/s/brand/style.css?org=north-council"' in page
    assert 'src="/s/brand/logo?org=north-council"' in page
    welsh = council.get(f"/s/{make_token(org='north-council', lang='cy')}").get_data(as_text=True)
    assert "Cyngor y Gogledd" in welsh
    css = council.get("/s/brand/style.css?org=north-council").get_data(as_text=True)
    assert "#123456" in css and "#123456" not in council.get("/s/brand/style.css").get_data(
        as_text=True)
    assert council.get("/s/brand/logo?org=north-council").mimetype == "image/svg+xml"
    assert council.get("/s/brand/logo").status_code == 404  # the top level has none


@pytest.mark.parametrize("org", [None, "south-council", "Not a slug"])
def test_no_unknown_or_bad_organisation_gets_the_top_level(council, make_token, org):
    claims = {"org": org} if org else {}
    page = council.get(f"/s/{make_token(**claims)}").get_data(as_text=True)
    assert "Shared ICT" in page and "North Council" not in page
    assert 'href="/s/brand/style.css"' in page


def test_an_expired_link_keeps_its_organisations_branding(council, make_token):
    response = council.get(f"/s/{make_token(org='north-council', ttl=timedelta(seconds=-5))}")
    assert response.status_code == 410 and "North Council" in response.get_data(as_text=True)


def test_the_answer_carries_the_links_organisation(council, make_token, kafka_bootstrap,
                                                   topic_reader):
    reader = topic_reader(kafka_bootstrap)
    plain, north = uuid.uuid4().hex, uuid.uuid4().hex
    for inv, claims in ((plain, {}), (north, {"org": "north-council"})):
        token = make_token(inv, **claims)
        page = council.get(f"/s/{token}").get_data(as_text=True)
        assert council.post(f"/s/{token}", data={"csrf_token": csrf_of(page),
                                                 "score": "4"}).status_code == 303
    events = {e.data["invitation_id"]: e.data for e in reader.collect(
        lambda e: e.data.get("invitation_id") in (plain, north), 2)}
    assert events[north]["organisation"] == "north-council"
    assert "organisation" not in events[plain]
