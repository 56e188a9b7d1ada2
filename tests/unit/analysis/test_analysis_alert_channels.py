"""Channel rules by directorate, and the alert messages in the vendors' documented shapes."""
import json
import types

import pytest

from chassis.settings import SettingsError

from analysis_svc.bootstrap import build
from analysis_svc.config import Settings, as_channels_file
from analysis_svc.domain.channels import ChannelRules, parse_routes, parse_webhooks
from analysis_svc.adapters.webhook_messages import slack_message, teams_message
from analysis_svc.adapters.webhook_outbox import staged_rows

DETRACTOR = {"kind": "alert.detractor", "directorate": "Adults", "service": "Laptops", "team": None,
             "score": 1, "compound": -0.71, "response_id": "r-1"}


def test_routes_send_a_directorate_to_its_channels_and_star_to_every_directorate():
    rules = ChannelRules(parse_webhooks("a=teams:https://t.example/a; o=slack:https://s.example/o"),
                         parse_routes("Adults=a,o; *=o")).checked()
    assert rules.for_directorate("Adults") == ["a", "o"]
    assert rules.for_directorate("Children") == ["o"]


def test_variables_override_the_file_channel_by_channel(tmp_path):
    path = tmp_path / "channels.toml"
    path.write_text('[channels.a]\nkind = "teams"\nurl = "https://old.example/a"\n'
                    '[routes]\nAdults = ["a"]\n"*" = "a"\n')
    settings = Settings(alert_channels_file=as_channels_file(str(path)),
                        alert_webhooks=parse_webhooks("a=slack:https://new.example/a"),
                        alert_routes=parse_routes("Children=a"))
    rules = settings.alert_channels()
    assert rules.channel("a").url == "https://new.example/a" and rules.channel("a").kind == "slack"
    assert rules.for_directorate("Adults") == ["a"] and rules.for_directorate("Children") == ["a"]


@pytest.mark.parametrize("raw,needle", [
    ("a=discord:https://x.example", "kind must be one of teams, slack"),
    ("a=teams:ftp://x.example", "http(s) URL"),
    ("just-a-url", "name=kind:url"),
])
def test_a_bad_webhook_variable_is_refused_naming_it(raw, needle):
    with pytest.raises(SettingsError, match=f"ALERT_WEBHOOKS: .*{needle}".replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env({"PRIVACY_MASTER_KEY": "k" * 44, "ALERT_WEBHOOKS": raw})


def test_a_route_to_an_undefined_channel_is_refused_at_start_up():
    settings = Settings(database_url="sqlite://", alert_routes=parse_routes("Adults=nowhere"))
    with pytest.raises(SettingsError, match="ALERT_ROUTES: route 'Adults' names channel 'nowhere'"):
        build(settings, migrate_db=False)


def test_slack_gets_text_and_blocks_with_its_control_characters_escaped():
    message = slack_message(DETRACTOR, "Broken <@here> & slow", "https://dash.example")
    assert set(message) == {"text", "blocks"}
    assert message["text"] == "Detractor: score 1 in Adults / Laptops"
    assert [b["type"] for b in message["blocks"]] == ["header", "section", "context"]
    section = message["blocks"][1]["text"]
    assert section["type"] == "mrkdwn" and "Broken &lt;@here&gt; &amp; slow" in section["text"]
    assert "<@here>" not in json.dumps(message)


def test_teams_gets_an_adaptive_card_in_an_attachments_envelope():
    message = teams_message(DETRACTOR, "Still broken", "https://dash.example")
    assert message["type"] == "message"
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] and card["$schema"].startswith("http")
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Comment (redacted)"] == "Still broken" and facts["Score"] == "1/5"
    assert card["actions"][0]["url"] == "https://dash.example/dashboard"


def test_a_staged_row_keeps_no_comment():
    envelope = types.SimpleNamespace(event_id="e-1", event_type="alert.detractor",
                                     data=DETRACTOR | {"redacted_comment": "[NAME] rang"})
    [row] = staged_rows(envelope, ["a"], None)
    assert "redacted_comment" not in json.loads(row["alert"]) and row["response_id"] == "r-1"
