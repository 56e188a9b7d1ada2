"""SURVEY_CONNECTORS_FILE's [pull.*]: read once, every mistake named with its file and entry."""
from datetime import datetime, timezone

import pytest

from survey_svc.connectors.http import retry_after_seconds
from survey_svc.connectors.pull import (ConnectorsError, Pulled, keyset_pages,
                                        load_pull_connectors)

ENV = {"RT_TOKEN": "t0ken", "GLPI_USER": "u", "GLPI_APP": "a"}


def load(tmp_path, text: str, environ=ENV):
    path = tmp_path / "connectors.toml"
    path.write_text(text)
    return load_pull_connectors(str(path), environ)


def test_no_file_no_connectors():
    assert load_pull_connectors(None) == {}


def test_a_connector_with_its_defaults_and_rules(tmp_path):
    [rt] = load(tmp_path, """
[push.ignored]
mapping = "rt"
[pull.rt]
kind = "rt"
url = "https://rt.example.gov.uk/"
secret_env = "RT_TOKEN"
[pull.rt.writeback]
on = ["detractor", "comment"]
[pull.rt.writeback.directorates.Housing]
reopen = ["detractor"]
""").values()
    assert (rt.name, rt.kind, rt.interval_s, rt.start, rt.mapping.name) == (
        "rt", "rt", 300.0, None, "rt")
    assert rt.link_to("42") == "https://rt.example.gov.uk/Ticket/Display.html?id=42"
    housing = rt.writeback.for_directorate("Housing")
    assert housing.on == {"detractor", "comment"} and housing.reopen == {"detractor"}
    assert rt.writeback.for_directorate("Finance").reopen == frozenset()
    assert rt.source.client.session.auth.header == "token t0ken"


def test_glpi_reads_its_own_mapping_and_both_tokens(tmp_path):
    [glpi] = load(tmp_path, """
[pull.glpi]
kind = "glpi"
url = "https://glpi.example.org"
secret_env = "GLPI_USER"
app_token_env = "GLPI_APP"
start = "2025-01-01"
""").values()
    assert glpi.mapping.name == "glpi_rest"
    assert (glpi.source.user_token, glpi.source.app_token) == ("u", "a")
    assert glpi.start == datetime(2025, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("body, named", [
    ('kind = "zendesk"\nurl = "https://x"', "kind 'zendesk' is not one of"),
    ('kind = "rt"\nurl = "rt.example"', "url must be"),
    ('kind = "rt"\nurl = "https://x"\nsecret_env = "MISSING"', "'MISSING'"),
    ('kind = "rt"\nurl = "https://x"\nsecret_env = "RT_TOKEN"\npasword = "x"', "unknown key"),
    ('kind = "rt"\nurl = "https://x"\nsecret_env = "RT_TOKEN"\n[pull.a.options]\napi_token = "x"',
     "look like secrets"),
    ('kind = "rt"\nurl = "https://x"\nsecret_env = "RT_TOKEN"\nmapping = "nope.toml"',
     "cannot read it"),
    ('kind = "rt"\nurl = "https://x"\nsecret_env = "RT_TOKEN"\n[pull.a.writeback]\non = ["angry"]',
     "['angry'] not among"),
    ('kind = "rt"\nurl = "https://x"\nsecret_env = "RT_TOKEN"\ntimezone = "Mars/Base"',
     "unknown timezone"),
])
def test_mistakes_are_named(tmp_path, body, named):
    with pytest.raises(ConnectorsError, match="connectors.toml: pull.a") as err:
        load(tmp_path, f"[pull.a]\n{body}\n")
    assert named in str(err.value)


def test_a_bad_name_is_refused(tmp_path):
    with pytest.raises(ConnectorsError, match="lower-case"):
        load(tmp_path, '[pull."My RT"]\nkind = "rt"\nurl = "https://x"\n')


def at(minute: int, second: int = 0) -> datetime:
    return datetime(2026, 3, 2, 9, minute, second, tzinfo=timezone.utc)


def test_keyset_pages_start_at_the_newest_moment_and_step_through_a_crowded_one():
    moments = [at(1), at(2), at(2), at(2), at(2), at(3)]
    asked = []

    def fetch(since, page):
        asked.append((since, page))
        matching = [m for m in moments if m >= since]
        return [Pulled(str(i), {}, m) for i, m in enumerate(matching)][(page - 1) * 2:page * 2]

    pages = list(keyset_pages(fetch, at(0), 2))
    assert asked == [(at(0), 1), (at(2), 1), (at(2), 2), (at(2), 3)]
    read = [r.moment for page in pages for r in page]
    assert set(read) == set(moments) and read == sorted(read)  # none missed, in order


@pytest.mark.parametrize("value, seconds", [
    ("7", 7.0), (" 120 ", 120.0), ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0), ("soon", None),
    (None, None)])
def test_retry_after_in_seconds_or_as_a_date(value, seconds):
    now = datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc).timestamp()
    assert retry_after_seconds(value, now=now) == seconds
