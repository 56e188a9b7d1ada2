"""REDACTION_ASSET_TAG: checked at start-up as a pattern RE2 runs in linear time, then used."""
import pytest

from chassis.settings import SettingsError
from chassis.testing import FakePublisher

from analysis_svc.adapters.text import redaction
from analysis_svc.adapters.text.identifiers import ASSET_TAG
from analysis_svc.bootstrap import build
from analysis_svc.config import Settings


@pytest.mark.parametrize("pattern, reason", [
    (r"(A+)\1", "RE2"),             # a backreference: no linear-time engine runs it
    (r"(?<=LT)\d{6}", "RE2"),       # a look-behind
    (r"[A-Z", "RE2"),               # not a regex at all
    (r"\d*", "empty"),              # would match nothing and everything
])
def test_a_pattern_that_is_not_linear_or_useless_stops_start_up(pattern, reason):
    with pytest.raises(SettingsError, match=rf"REDACTION_ASSET_TAG: .*{reason}"):
        Settings.from_env({"REDACTION_ASSET_TAG": pattern, "PRIVACY_MASTER_KEY": "m" * 32})


def test_the_default_is_the_redaction_default():
    assert Settings.from_env({"PRIVACY_MASTER_KEY": "m" * 32}).asset_tag_pattern == ASSET_TAG


def test_a_nested_quantifier_is_accepted_because_re2_runs_it_in_linear_time():
    settings = Settings.from_env({"REDACTION_ASSET_TAG": r"(?:AS+)+\d{4}", "PRIVACY_MASTER_KEY": "m" * 32})
    assert settings.asset_tag_pattern == r"(?:AS+)+\d{4}"


def test_the_configured_pattern_is_what_the_services_analyser_redacts_with(tmp_path):
    settings = Settings.from_env({"REDACTION_ASSET_TAG": r"KCC\d{6}", "PRIVACY_MASTER_KEY": "m" * 32,
                                  "PRIVACY_VAULT_URL": f"sqlite:///{tmp_path / 'vault.db'}",
                                  "ANALYSIS_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
                                  "ANALYSIS_MODEL_DIR": ""})
    bus = build(settings, publisher=FakePublisher())
    try:
        result = bus.analyser.analyse("laptop KCC123456 and laptop LT-104512 are both slow")
        assert result.redacted == "laptop [DEVICE ID] and laptop LT-104512 are both slow"
    finally:
        bus.close()
        redaction.configure()


def test_a_long_hostile_comment_takes_linear_time_with_a_configured_pattern():
    import time
    try:
        redaction.configure(asset_tag=r"(?:A|AA)+B")  # exponential in a backtracking engine
        text = "laptop " + "A" * 100_000
        started = time.process_time()
        assert redaction.redact(text) == text
        assert time.process_time() - started < 2
    finally:
        redaction.configure()
