"""OIDC_*: the group-to-scope mapping, and the settings that refuse half a configuration."""
import pytest

from chassis.settings import SettingsError

from analysis_svc.config import Settings
from analysis_svc.domain.sign_on import (NoMappedGroup, claim_values, parse_group_scopes,
                                         scope_for_groups)

MAPPING = parse_group_scopes("ict-admins=admin; asc=Adult Social Care; "
                             "health = Public Health, Adult Social Care")
COMPLETE = {"PRIVACY_MASTER_KEY": "k" * 40, "OIDC_ISSUER": "https://login.council.example/",
            "OIDC_CLIENT_ID": "dashboard", "OIDC_CLIENT_SECRET": "s3cret-value",
            "OIDC_GROUP_SCOPES": "asc=Adult Social Care"}


@pytest.mark.parametrize("groups, scope", [
    (["asc"], {"Adult Social Care"}),
    (["asc", "health", "staff"], {"Adult Social Care", "Public Health"}),
    (["staff", "ict-admins"], None),
])
def test_groups_grant_the_union_of_their_scopes(groups, scope):
    assert scope_for_groups(groups, MAPPING) == (None if scope is None else frozenset(scope))


@pytest.mark.parametrize("groups", [[], ["staff"], ["ASC"]])
def test_no_mapped_group_is_refused(groups):
    with pytest.raises(NoMappedGroup):
        scope_for_groups(groups, MAPPING)


@pytest.mark.parametrize("claims, values", [
    ({"groups": ["a", "b", 3]}, ("a", "b")), ({"groups": "a"}, ("a",)), ({}, ()),
    ({"groups": {"a": 1}}, ()),
])
def test_a_claim_may_be_one_value_or_a_list(claims, values):
    assert claim_values(claims, "groups") == values


@pytest.mark.parametrize("raw, named", [
    ("asc", "'asc' is not"), ("asc=", "'asc=' is not"), ("=Public Health", "is not"),
    ("asc=A; asc=B", "'asc' is mapped twice"),
])
def test_a_bad_mapping_is_named(raw, named):
    with pytest.raises(ValueError, match=named):
        parse_group_scopes(raw)


def test_off_unless_configured():
    settings = Settings.from_env({"PRIVACY_MASTER_KEY": "k" * 40})
    assert not settings.sign_on_enabled


def test_a_complete_configuration_turns_it_on_and_hides_the_secret():
    settings = Settings.from_env(COMPLETE)
    assert settings.sign_on_enabled and settings.oidc_issuer == "https://login.council.example"
    assert settings.oidc_scopes == "openid email profile" and settings.oidc_group_claim == "groups"
    assert "s3cret-value" not in repr(settings)


@pytest.mark.parametrize("left_out", ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET",
                                      "OIDC_GROUP_SCOPES"])
def test_a_partial_configuration_refuses_to_start(left_out):
    environ = {k: v for k, v in COMPLETE.items() if k != left_out}
    with pytest.raises(SettingsError, match=f"{left_out}: required with"):
        Settings.from_env(environ)


@pytest.mark.parametrize("name, value, named", [
    ("OIDC_ISSUER", "http://login.council.example", "must be https"),
    ("OIDC_ISSUER", "login.council.example", "issuer URL"),
    ("OIDC_SCOPES", "email profile", "must include openid"),
    ("OIDC_GROUP_SCOPES", "asc", "is not `group=admin`"),
])
def test_a_bad_value_is_named(name, value, named):
    with pytest.raises(SettingsError, match=f"{name}: .*{named}"):
        Settings.from_env({**COMPLETE, name: value})


def test_a_provider_on_this_machine_may_use_http():
    assert Settings.from_env({**COMPLETE, "OIDC_ISSUER": "http://127.0.0.1:9000"}).sign_on_enabled
