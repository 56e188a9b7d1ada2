"""Push sources: each authentication a service desk can produce, checked in constant time."""
import base64
import time

import pytest

from chassis.auth import hmac_sha256, sign_webhook
from survey_svc.connectors.auth import authenticated
from survey_svc.connectors.sources import SourcesError, load_push_sources

BODY = b'{"number": "INC0010023"}'
NOW = time.time()


def _sources(tmp_path, text: str, environ=None):
    path = tmp_path / "connectors.toml"
    path.write_text(text)
    return load_push_sources(str(path), environ if environ is not None else {"S": "s3cret"})


@pytest.fixture
def sources(tmp_path):
    return _sources(tmp_path, """
[push.sn]
mapping = "servicenow"
auth = "basic"
username = "survey-push"
secret_env = "S"
[push.jsm]
mapping = "jira"
auth = "header"
header = "X-Automation-Secret"
secret_env = "S"
[push.jira-hook]
mapping = "jira"
auth = "hmac"
secret_env = "S"
[push.glpi]
mapping = "glpi"
auth = "glpi"
secret_env = "S"
[push.own]
mapping = "servicenow"
auth = "signed"
secret_env = "S"
[pull.rt]
url = "http://127.0.0.1:1"
""")


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_only_push_tables_are_sources_and_the_secret_stays_out_of_sight(sources):
    assert sorted(sources) == ["glpi", "jira-hook", "jsm", "own", "sn"]
    assert "s3cret" not in repr(sources["sn"])


@pytest.mark.parametrize("headers,ok", [
    ({"Authorization": _basic("survey-push", "s3cret")}, True),
    ({"Authorization": _basic("survey-push", "wrong")}, False),
    ({"Authorization": _basic("someone", "s3cret")}, False),
    ({"Authorization": "Basic !!!not-base64"}, False),
    ({"Authorization": "Bearer s3cret"}, False),
    ({}, False),
])
def test_http_basic(sources, headers, ok):
    assert authenticated(sources["sn"], headers, BODY, NOW) is ok


@pytest.mark.parametrize("headers,ok", [
    ({"X-Automation-Secret": "s3cret"}, True),
    ({"X-Automation-Secret": "s3cret2"}, False),
    ({"X-Automation-Secret": "s3cr\u00e9t"}, False),
    ({"X-Survey-Token": "s3cret"}, False),
])
def test_shared_secret_header(sources, headers, ok):
    assert authenticated(sources["jsm"], headers, BODY, NOW) is ok


def test_hmac_of_the_body_bare_or_prefixed(sources):
    digest = hmac_sha256("s3cret", BODY)
    for value in (digest, f"sha256={digest}", digest.upper()):
        assert authenticated(sources["jira-hook"], {"X-Hub-Signature": value}, BODY, NOW)
    assert not authenticated(sources["jira-hook"], {"X-Hub-Signature": digest}, BODY + b" ", NOW)


def test_glpi_signature_over_body_and_timestamp_within_five_minutes(sources):
    stamp = str(int(NOW))
    headers = {"X-GLPI-signature": hmac_sha256("s3cret", BODY + stamp.encode()),
               "X-GLPI-timestamp": stamp}
    assert authenticated(sources["glpi"], headers, BODY, NOW)
    assert not authenticated(sources["glpi"], headers, BODY, NOW + 301)
    assert not authenticated(sources["glpi"], {**headers, "X-GLPI-timestamp": "x"}, BODY, NOW)


def test_our_own_signed_format(sources):
    header = sign_webhook("s3cret", BODY, int(NOW))
    assert authenticated(sources["own"], {"X-Signature": header}, BODY, NOW)
    assert not authenticated(sources["own"], {"X-Signature": header}, BODY, NOW + 301)


@pytest.mark.parametrize("table,environ,problem", [
    ('mapping = "jira"\nauth = "header"\nsecret_env = "MISSING"', {}, "secret_env must name"),
    ('mapping = "jira"\nauth = "oauth"\nsecret_env = "S"', None, "auth 'oauth'"),
    ('auth = "header"\nsecret_env = "S"', None, "mapping is required"),
    ('mapping = "jira"\nauth = "basic"\nsecret_env = "S"', None, "needs a username"),
    ('mapping = "nope"\nsecret_env = "S"', None, "cannot read it"),
])
def test_a_bad_source_stops_the_start_naming_it(tmp_path, table, environ, problem):
    with pytest.raises(SourcesError) as err:
        _sources(tmp_path, f"[push.desk]\n{table}\n", environ)
    assert "push.desk" in str(err.value) and problem in str(err.value)


def test_no_file_means_no_push_sources():
    assert load_push_sources(None) == {}
