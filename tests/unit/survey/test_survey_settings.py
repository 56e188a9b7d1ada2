"""survey-svc's settings: the reply-tag key is required, the body-only signature is off."""
import pytest

from chassis.settings import SettingsError
from chassis.tokens import generate_keypair
from survey_svc.config import Settings

KEYS = generate_keypair()
ENV = {"WEBHOOK_SECRET": "w", "ADMIN_TOKEN": "a", "REPLY_TAG_KEY": "r",
       "SURVEY_SIGNING_KEY": KEYS[0], "PRIVACY_MASTER_KEY": "m" * 32}


def test_defaults_refuse_the_replayable_signature_and_take_an_itsm_burst():
    settings = Settings.from_env(ENV)
    assert settings.reply_tag_key == "r"
    assert settings.webhook_allow_body_only_signature is False
    assert settings.webhook_rate_limit == "600 per minute"
    assert settings.rate_limit_storage_uri == "memory://" and settings.trusted_proxy_hops == 0


@pytest.mark.parametrize("secret", ["REPLY_TAG_KEY", "PRIVACY_MASTER_KEY"])
def test_each_secret_is_required(secret):
    env = {k: v for k, v in ENV.items() if k != secret}
    with pytest.raises(SettingsError, match=secret):
        Settings.from_env(env)


@pytest.mark.parametrize("variable, value", [
    ("WEBHOOK_ALLOW_BODY_ONLY_SIGNATURE", "perhaps"),
    ("SURVEY_WEBHOOK_RATE_LIMIT", "lots"),
])
def test_a_bad_value_is_named(variable, value):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({**ENV, variable: value})


def test_the_operator_can_allow_the_legacy_signature():
    assert Settings.from_env({**ENV, "WEBHOOK_ALLOW_BODY_ONLY_SIGNATURE": "true"}
                             ).webhook_allow_body_only_signature
