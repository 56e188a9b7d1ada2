"""Single sign-on against a real OpenID provider, without a browser: what goes to the provider,
what comes back wrong, and how a signed-on session keeps its scope."""
import time
from urllib.parse import parse_qs, urlsplit

import pytest

import dashboard_seed

from chassis.testing import FakePublisher

from analysis_svc.app import create_app
from analysis_svc.bootstrap import build
from analysis_svc.domain.sign_on import parse_group_scopes

MAPPING = "dashboard-adult-social-care=Adult Social Care; dashboard-admins=admin"


@pytest.fixture(scope="module")
def seeded_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sso') / 'analysis.db'}"
    dashboard_seed.seed(url, weeks=2).close()
    return url


def client_for(seeded_url, idp, mapping=MAPPING, **extra):
    settings = dashboard_seed.settings(
        seeded_url, public_url=idp.app_url, oidc_issuer=idp.issuer, oidc_client_id=idp.client_id,
        oidc_client_secret=idp.client_secret, oidc_scopes="openid email groups",
        oidc_group_scopes=parse_group_scopes(mapping), **extra)
    app = create_app(build(settings, publisher=FakePublisher()))
    app.config["TESTING"] = True
    return app.test_client()


def test_the_authorization_request_carries_pkce_state_and_nonce(seeded_url, oidc_provider):
    client = client_for(seeded_url, oidc_provider)
    answer = client.get("/dashboard/sign-in/sso?next=/dashboard/comments")
    assert answer.status_code == 302
    target = urlsplit(answer.location)
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert f"{target.scheme}://{target.netloc}" == oidc_provider.issuer
    assert query["response_type"] == "code" and query["client_id"] == oidc_provider.client_id
    assert query["redirect_uri"] == f"{oidc_provider.app_url}/dashboard/sign-in/sso/callback"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    assert query["scope"].split() == ["openid", "email", "groups"]


def test_a_callback_with_a_forged_state_starts_no_session(seeded_url, oidc_provider):
    client = client_for(seeded_url, oidc_provider)
    client.get("/dashboard/sign-in/sso")
    answer = client.get("/dashboard/sign-in/sso/callback?code=stolen&state=not-the-one")
    assert answer.status_code == 400
    assert "Sign-in did not work" in answer.text
    assert client.get("/dashboard").status_code == 302  # still signed out


def test_a_refusal_at_the_provider_is_a_clear_page(seeded_url, oidc_provider):
    client = client_for(seeded_url, oidc_provider)
    answer = client.get("/dashboard/sign-in/sso/callback?error=access_denied&state=x")
    assert answer.status_code == 400
    assert "not completed at your organisation" in answer.text


def test_off_unless_configured(seeded_url):
    app = create_app(build(dashboard_seed.settings(seeded_url), publisher=FakePublisher()))
    client = app.test_client()
    assert client.get("/dashboard/sign-in/sso").status_code == 404
    assert "Sign in with" not in client.get("/dashboard/sign-in").text


def signed_on(client, groups) -> None:
    """The session the callback leaves (sso.py), made directly: the browser test does it for real."""
    with client.session_transaction() as session:
        session.update(sso_user="ada@council.example", sso_name="Ada", sso_groups=groups,
                       signed_in_at=time.time(), sid="x")  # the bus's clock is the system clock


@pytest.mark.parametrize("groups, seen", [(["dashboard-adult-social-care"], "Adult Social Care"),
                                          (["dashboard-admins", "staff"], "all directorates")])
def test_a_signed_on_session_maps_its_groups_on_each_request(seeded_url, oidc_provider, groups, seen):
    client = client_for(seeded_url, oidc_provider)
    signed_on(client, groups)
    page = client.get("/dashboard")
    assert page.status_code == 200 and f"Signed in as Ada ({seen})" in page.text
    # the mapping changed: the group no longer counts, so the session ends on the next request
    later = client_for(seeded_url, oidc_provider, mapping="someone-else=Public Health")
    signed_on(later, groups)
    assert later.get("/dashboard").status_code == 302
