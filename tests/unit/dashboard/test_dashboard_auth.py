"""Signing in: tokens (the feeds' rules) and the trusted header, which is off unless configured."""
from datetime import datetime, timezone

import pytest
from chassis.testing import FakeClock, FakePublisher

from analysis_svc.bootstrap import build
from analysis_svc.config import Settings
from analysis_svc.domain.commands import IssueToken
from analysis_svc.entrypoints.web.auth import viewer_for_header, viewer_for_token


@pytest.fixture
def tokens(tmp_path):
    bus = build(Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}"), publisher=FakePublisher(),
                clock=FakeClock(datetime.now(timezone.utc)))
    bus.handle(IssueToken(("Adults",), "Adults partner", "bp@council.example", token="pt_good"))
    yield bus.tokens
    bus.close()


def test_tokens_follow_the_feeds_scoping(tokens):
    assert viewer_for_token(tokens, "admin-secret", "admin-secret").is_admin
    partner = viewer_for_token(tokens, "admin-secret", "pt_good")
    assert partner.scope == frozenset({"Adults"}) and partner.name == "Adults partner"
    assert viewer_for_token(tokens, "admin-secret", "pt_bad") is None
    assert viewer_for_token(tokens, None, "") is None


def test_trusted_header_maps_admins_by_name_and_partners_by_email(tokens):
    assert viewer_for_header(tokens, "Chief@Council.example", ["chief@council.example"]).is_admin
    assert viewer_for_header(tokens, "bp@council.example", []).scope == frozenset({"Adults"})
    assert viewer_for_header(tokens, "stranger@council.example", []) is None


def test_trusted_header_is_off_by_default():
    assert Settings.from_env({"PRIVACY_MASTER_KEY": "m" * 32}).trusted_header_name is None
    on = Settings.from_env({"TRUSTED_HEADER_NAME": "X-Forwarded-Email", "TRUSTED_ADMIN_USERS": "a@x,b@x",
                        "PRIVACY_MASTER_KEY": "m" * 32})
    assert on.trusted_header_name == "X-Forwarded-Email" and tuple(on.trusted_admins) == ("a@x", "b@x")
