"""The signed-in banner names an organisation viewer's organisations, not every directorate."""
from datetime import datetime, timezone

import pytest
from chassis.testing import FakeClock, FakePublisher

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import IssueToken
from analysis_svc.domain.structure_commands import AddNode, AddOrganisation


@pytest.fixture
def client(tmp_path):
    bus = build(Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}", admin_token="admin-secret",
                         model_dir=""),
                publisher=FakePublisher(), clock=FakeClock(datetime.now(timezone.utc)))
    bus.handle(AddOrganisation("Ashby <b>Council</b>", "ashby"))
    for name in ("Ashby People", "Ashby Roads"):
        bus.handle(AddNode("ashby", name))
    bus.handle(IssueToken((), "Ashby partner", None, token="pt_org", organisations=("ashby",)))
    bus.handle(IssueToken(("Ashby Roads",), "Roads partner", None, token="pt_dir"))
    bus.handle(IssueToken(("Elsewhere",), "Mixed partner", None, token="pt_mix",
                          organisations=("ashby",)))
    yield create_app(bus).test_client()
    bus.close()


def _banner(client, token: str) -> str:
    page = client.get("/dashboard", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return html[html.index("Signed in as"):].split("\n", 1)[0].strip()


def test_an_organisation_viewer_sees_the_organisation_name_escaped(client):
    assert _banner(client, "pt_org") == \
        "Signed in as Ashby partner (Ashby &lt;b&gt;Council&lt;/b&gt;)"


def test_a_directorate_viewer_and_the_admin_are_unchanged(client):
    assert _banner(client, "pt_dir") == "Signed in as Roads partner (Ashby Roads)"
    assert _banner(client, "admin-secret") == "Signed in as Administrator (all directorates)"


def test_a_directorate_granted_beside_an_organisation_is_still_named(client):
    assert _banner(client, "pt_mix") == \
        "Signed in as Mixed partner (Ashby &lt;b&gt;Council&lt;/b&gt;, Elsewhere)"
