"""Signing in: tokens (the feeds' rules) and the trusted header, which is off unless configured."""
from datetime import datetime, timezone

import pytest
from chassis.db import make_engine, migrate, session_factory

from analysis_svc.adapters.token_store import TokenStore
from analysis_svc.bootstrap import MIGRATIONS
from analysis_svc.entrypoints.web.auth import viewer_for_header, viewer_for_token
from analysis_svc.entrypoints.web.settings import WebSettings
from analysis_svc.service_layer.auth import hash_token


@pytest.fixture
def sessions(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    migrate(url, MIGRATIONS)
    sessions = session_factory(make_engine(url))
    TokenStore(sessions).add(hash_token("pt_good"), ["Adults"], "Adults partner", "bp@council.example",
                             datetime.now(timezone.utc))
    return sessions


def test_tokens_follow_the_feeds_scoping(sessions):
    with sessions() as db:
        assert viewer_for_token(db, "admin-secret", "admin-secret").is_admin
        partner = viewer_for_token(db, "admin-secret", "pt_good")
        assert partner.scope == frozenset({"Adults"}) and partner.name == "Adults partner"
        assert viewer_for_token(db, "admin-secret", "pt_bad") is None
        assert viewer_for_token(db, None, "") is None


def test_trusted_header_maps_admins_by_name_and_partners_by_email(sessions):
    with sessions() as db:
        assert viewer_for_header(db, "Chief@Council.example", ["chief@council.example"]).is_admin
        assert viewer_for_header(db, "bp@council.example", []).scope == frozenset({"Adults"})
        assert viewer_for_header(db, "stranger@council.example", []) is None


def test_trusted_header_is_off_by_default():
    assert WebSettings.from_env({}).trusted_header_name is None
    on = WebSettings.from_env({"TRUSTED_HEADER_NAME": "X-Forwarded-Email", "TRUSTED_ADMIN_USERS": "a@x,b@x"})
    assert on.trusted_header_name == "X-Forwarded-Email" and tuple(on.trusted_admins) == ("a@x", "b@x")
