"""The token and signature rules every service shares."""
import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import (bearer_token, hmac_sha256, matching, require_admin, same_secret,
                          signature_valid)
from chassis.web import create_service_app


@pytest.mark.parametrize("header, token", [
    ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER  abc ", "abc"),
    ("Basic abc", None), ("Bearer", None), ("Bearer ", None), ("", None), (None, None),
    ("abc", None)])
def test_bearer_token_parsing(header, token):
    assert bearer_token(header) == token


def test_same_secret_is_exact_and_never_raises():
    assert same_secret("s3cret", "s3cret")
    assert not same_secret("s3cret", "S3CRET")
    assert not same_secret("", "")
    assert not same_secret(None, "x")
    assert not same_secret("x", None)
    assert not same_secret("pässword", "password")  # str with non-ASCII: False, not TypeError
    assert same_secret("pässword", "pässword")


def test_matching_finds_the_value_of_the_secret_given():
    sources = {"tok-phone": "phone", "tok-kiosk": "kiosk"}
    assert matching("tok-kiosk", sources) == "kiosk"
    assert matching("tok-other", sources) is None
    assert matching("", sources) is None


def test_signature():
    body = b'{"a": 1}'
    header = "sha256=" + hmac_sha256("k", body)
    assert signature_valid("k", body, header)
    assert not signature_valid("k", body + b" ", header)
    assert not signature_valid("other", body, header)
    assert not signature_valid("", body, "sha256=" + hmac_sha256("", body))
    assert not signature_valid("k", body, "sha256=\u00e9")


def _app():
    app, api = create_service_app("demo", settings=None, title="Demo")
    blp = Blueprint("admin", __name__, url_prefix="/admin")
    blp.before_request(lambda: require_admin("the-admin-token"))

    @blp.route("")
    class Admin(MethodView):
        def get(self):
            """Admins only."""
            return {"ok": True}

    api.register_blueprint(blp)
    return app


@pytest.mark.parametrize("header", [
    None, "Bearer wrong", "Bearer the-admin-token-and-more", "Basic the-admin-token",
    "Bearer th\u00e9-admin-token", "Bearer \x00", "Bearer"])
def test_admin_check_answers_401_for_every_bad_header(header):
    client = _app().test_client()
    headers = {} if header is None else {"Authorization": header}
    got = client.get("/admin", headers=headers)
    assert got.status_code == 401
    assert got.json["code"] == 401 and got.headers["WWW-Authenticate"].startswith("Bearer")


def test_non_ascii_header_bytes_are_a_401_not_a_500():
    client = _app().test_client()
    environ = {"HTTP_AUTHORIZATION": "Bearer \xff\xfe".encode("latin-1").decode("latin-1")}
    assert client.get("/admin", environ_overrides=environ).status_code == 401


def test_admin_token_accepted():
    client = _app().test_client()
    assert client.get("/admin", headers={"Authorization": "bearer the-admin-token"}).json == {"ok": True}


def test_a_service_without_an_admin_token_is_closed():
    app = Flask("x")
    with app.test_request_context(headers={"Authorization": "Bearer "}):
        with pytest.raises(Exception) as err:
            require_admin(None)
        assert getattr(err.value, "code", None) == 401


def test_timestamped_webhook_signature_is_replay_proof():
    from chassis.auth import sign_webhook, webhook_signature_valid
    body, now = b'{"ticket_id": "INC1"}', 1_800_000_000
    header = sign_webhook("k", body, now)
    assert header.startswith(f"t={now},v1=")
    assert webhook_signature_valid("k", body, header, now)
    assert webhook_signature_valid("k", body, header, now + 299)
    assert not webhook_signature_valid("k", body, header, now + 301)  # a replay, later
    assert not webhook_signature_valid("k", body, header, now - 301)
    assert not webhook_signature_valid("k", body + b" ", header, now)
    assert not webhook_signature_valid("other", body, header, now)
    forged_time = header.replace(f"t={now}", f"t={now + 200}")
    assert not webhook_signature_valid("k", body, forged_time, now + 200)
    for junk in ("", "t=,v1=", "v1=abc", "t=abc,v1=abc", "t=\u0661\u0662,v1=x", "t=1" + "0" * 40):
        assert not webhook_signature_valid("k", body, junk, now)


def test_body_only_signature_only_when_switched_on():
    from chassis.auth import webhook_signature_valid
    body = b"{}"
    legacy = "sha256=" + hmac_sha256("k", body)
    assert not webhook_signature_valid("k", body, legacy, 0)
    assert webhook_signature_valid("k", body, legacy, 0, allow_body_only=True)


def test_reply_tag_is_keyed_and_checked_in_constant_time():
    from chassis.auth import reply_tag, reply_tag_valid
    tag = reply_tag("shared-key", "inv-1")
    assert len(tag) == 16 and tag.isalnum()
    assert reply_tag("shared-key", "inv-1") == tag
    assert reply_tag("shared-key", "inv-2") != tag
    assert reply_tag("other-key", "inv-1") != tag
    assert reply_tag_valid("shared-key", "inv-1", tag)
    assert not reply_tag_valid("shared-key", "inv-2", tag)
    assert not reply_tag_valid("shared-key", "inv-1", None)
    assert not reply_tag_valid("", "inv-1", tag)
    assert not reply_tag_valid("shared-key", "inv-1", tag.upper() + "\u00e9")


def test_address_hash_compares_normalised_addresses_under_a_key():
    from chassis.auth import address_hash, normalised_address
    assert normalised_address(' "Lee, Sam" <Sam@Example.ORG> ') == "sam@example.org"
    assert normalised_address("sam+x@example.org") == "sam+x@example.org"  # plus-tags as given
    assert normalised_address("a@example.org, b@example.org") == normalised_address("nobody") == ""
    one = address_hash("k", "Sam <SAM@example.org>")
    assert one == address_hash("k", "sam@example.org ") != address_hash("k", "sam+x@example.org")
    assert one != address_hash("other", "sam@example.org")
    assert address_hash("", "sam@example.org") is None and address_hash("k", "") is None
