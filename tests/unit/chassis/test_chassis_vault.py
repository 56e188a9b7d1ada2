"""The key vault: seal and open per (subject, month); shredding forgets at once here and within
the cache bound elsewhere (a fake clock); envelopes sealed and opened by contracts' field list."""
from datetime import datetime, timedelta, timezone

import pytest

from chassis.privacy import subject_of
from chassis.privacy.envelopes import open_data, open_envelopes, seal_envelope
from chassis.privacy.settings import PrivacySettings, Unsealed, vault_for
from chassis.privacy.vault import KeyVault, MasterKeyMismatch, key_id_of, migrate_vault
from chassis.db import make_engine
from chassis.settings import SettingsError, from_env
from chassis.testing import FakeClock
from contracts.envelope import decode, encode, make_envelope
from contracts.personal import is_sealed

MASTER = "unit-test-master-key-0123456789abcdef"
MARCH = datetime(2026, 3, 2, 9, 15, tzinfo=timezone.utc)


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'vault.db'}"
    migrate_vault(url)
    return url


@pytest.fixture
def clock():
    return FakeClock(MARCH)


def vault(url, clock, **kwargs) -> KeyVault:
    return KeyVault(make_engine(url), MASTER, clock=clock, cache_s=30, **kwargs)


def test_a_sealed_text_opens_and_says_nothing_of_its_person(url, clock):
    here = vault(url, clock)
    token = here.seal("subject-a", MARCH, "Dave Smith sorted it ✓")
    assert is_sealed(token) and "Dave" not in token and "subject-a" not in token
    assert here.open(token) == "Dave Smith sorted it ✓"
    assert vault(url, clock).open(token) == "Dave Smith sorted it ✓"  # another process


def test_one_key_per_subject_and_month(url, clock):
    here = vault(url, clock)
    tokens = here.seal_many([("a", MARCH, "one"), ("a", MARCH + timedelta(days=3), "two"),
                             ("a", MARCH + timedelta(days=40), "three"), ("b", MARCH, "four"),
                             (None, MARCH, "five"), ("a", MARCH, None)])
    ids = [key_id_of(t) for t in tokens[:5]]
    assert ids[0] == ids[1] and len(set(ids)) == 4 and tokens[5] is None
    assert here.open_many(tokens) == ["one", "two", "three", "four", "five", None]


def test_plaintext_from_before_sealing_passes_through(url, clock):
    assert vault(url, clock).open_many(["plain", None]) == ["plain", None]


def test_shredding_a_subject_stops_its_keys_opening_here_at_once(url, clock):
    here = vault(url, clock)
    gone, kept = here.seal("a", MARCH, "gone"), here.seal("b", MARCH, "kept")
    later = here.seal("a", MARCH + timedelta(days=40), "also gone")
    assert here.open_many([gone, later]) == ["gone", "also gone"]  # cached now
    assert here.shred_subjects(["a"]) == 2
    assert here.open_many([gone, kept, later]) == [None, "kept", None]
    fresh = here.seal("a", MARCH, "said after the erasure")  # a new key, not the old one
    assert key_id_of(fresh) != key_id_of(gone) and here.open(fresh) == "said after the erasure"
    assert here.open(gone) is None


def test_another_process_stops_opening_within_the_cache_bound(url, clock):
    here, there = vault(url, clock), vault(url, clock)
    token = here.seal("a", MARCH, "text")
    assert there.open(token) == "text"
    here.shred_subjects(["a"])
    clock.advance(timedelta(seconds=29))
    assert there.open(token) == "text"  # still cached: the documented bound
    clock.advance(timedelta(seconds=2))
    assert there.open(token) is None


def test_shred_before_destroys_earlier_months_only(url, clock):
    here = vault(url, clock)
    old = here.seal("a", datetime(2024, 1, 31, 23, 0, tzinfo=timezone.utc), "old")
    edge = here.seal("b", datetime(2024, 2, 1, 0, 0, tzinfo=timezone.utc), "edge")
    assert here.count_before("2024-02") == 1
    assert here.shred_before("2024-02") == 1
    assert here.open_many([old, edge]) == [None, "edge"]


def test_a_damaged_token_reads_as_none(url, clock):
    here = vault(url, clock)
    token = here.seal("a", MARCH, "text")
    damaged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert here.open(damaged) is None


def test_another_master_key_is_a_configuration_error_not_a_shredding(url, clock):
    token = vault(url, clock).seal("a", MARCH, "text")
    other = KeyVault(make_engine(url), "another-master-key-0123456789abcdef", clock=clock)
    with pytest.raises(MasterKeyMismatch):
        other.open(token)


def test_a_short_master_key_is_refused():
    with pytest.raises(ValueError):
        KeyVault(make_engine("sqlite://"), "short")
    with pytest.raises(SettingsError, match="PRIVACY_MASTER_KEY"):
        from_env(PrivacySettings, {"PRIVACY_MASTER_KEY": "short"})


def test_the_environment_must_name_a_master_key():
    with pytest.raises(SettingsError, match="PRIVACY_MASTER_KEY: required"):
        from_env(PrivacySettings, {})
    assert "master" not in repr(from_env(PrivacySettings, {"PRIVACY_MASTER_KEY": MASTER}))


def test_settings_built_in_code_without_a_key_seal_nothing():
    unsealed = vault_for(PrivacySettings())
    assert isinstance(unsealed, Unsealed)
    assert unsealed.seal("a", MARCH, "text") == "text"
    assert unsealed.open("pii:v1:0123456789abcdef01234567:AAAA") is None


def ticket(email="Pat.Jones@example.org") -> dict:
    return {"ticket_id": "INC1", "resolution": 1, "resolved_at": MARCH, "directorate": "Adults",
            "requester": {"id": "u-42", "email": email, "name": "Pat Jones"}}


def test_envelopes_seal_their_personal_fields_and_open_them_in_a_batch(url, clock):
    here = vault(url, clock)
    key = "reply-tag-key"
    env = make_envelope("ticket.resolved", ticket(), "test")
    subject = subject_of(key, email="Pat.Jones@example.org", requester_id="u-42")
    sealed = seal_envelope(env, here, subject)
    raw = encode(sealed)
    assert b"Pat" not in raw and b"u-42" not in raw and b"INC1" in raw
    decoded = decode(raw)
    answer = make_envelope("response.submitted", {
        "directorate": "Adults", "response_id": "r1", "version": 1, "score": 2, "channel": "web",
        "comment": "Dave Smith was rude", "submitted_at": MARCH}, "test")
    sealed_answer = decode(encode(seal_envelope(answer, here, subject, at=MARCH)))
    opened = open_envelopes([decoded, sealed_answer], here)
    assert opened[0].data["requester"] == {"id": "u-42", "email": "Pat.Jones@example.org",
                                           "name": "Pat Jones"}
    assert opened[1].data["comment"] == "Dave Smith was rude"
    assert opened[0].event_id == env.event_id
    here.shred_subjects([subject])
    gone = open_envelopes([decoded, sealed_answer], here)
    assert gone[0].data["requester"] == {"id": None, "email": None, "name": None}
    assert gone[1].data["comment"] is None and gone[1].data["score"] == 2


def test_open_data_opens_a_bare_payload(url, clock):
    here = vault(url, clock)
    data = seal_envelope(make_envelope("ticket.resolved", ticket(), "t"), here, "s").data
    assert open_data("ticket.resolved", data, here)["requester"]["name"] == "Pat Jones"
