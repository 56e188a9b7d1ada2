from datetime import datetime, timedelta, timezone

import pytest

from chassis.tokens import TokenExpired, TokenInvalid, generate_keypair, sign_token, verify_token

NOW = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


def test_a_signed_token_verifies_with_the_public_half(keys):
    token = sign_token(keys[0], {"inv": "abc"}, timedelta(days=14), now=NOW)
    assert verify_token(keys[1], token, now=NOW + timedelta(days=13))["inv"] == "abc"


def test_an_expired_token_is_refused(keys):
    token = sign_token(keys[0], {"inv": "abc"}, timedelta(days=14), now=NOW)
    with pytest.raises(TokenExpired):
        verify_token(keys[1], token, now=NOW + timedelta(days=14, seconds=1))


@pytest.mark.parametrize("mangle", [lambda t: t[:-3], lambda t: t + "x", lambda t: "",
                                    lambda t: t.replace(".", "", 1), lambda t: "é" * 40])
def test_mangled_tokens_are_invalid(keys, mangle):
    token = sign_token(keys[0], {"inv": "abc"}, timedelta(days=1), now=NOW)
    with pytest.raises(TokenInvalid):
        verify_token(keys[1], mangle(token), now=NOW)


def test_a_token_from_another_key_or_without_expiry_is_invalid(keys):
    other_private, _ = generate_keypair()
    with pytest.raises(TokenInvalid):
        verify_token(keys[1], sign_token(other_private, {"inv": "a"}, timedelta(days=1)))
    with pytest.raises(TokenInvalid):
        verify_token(keys[1], sign_token(keys[0], {"inv": "a"}))
