"""Curated theme matching a person can follow, and seeded unsupervised discovery."""
import pytest

from analysis_svc.adapters.text import TAXONOMY, discover_themes, explain_themes, match_themes

REQUIRED = {"speed", "communication", "resolution_quality", "staff_attitude", "self_service_portal",
            "equipment", "remote_access", "accounts_passwords", "follow_up"}


def test_taxonomy_covers_the_issue_and_is_readable():
    ids = {t.id for t in TAXONOMY}
    assert REQUIRED <= ids
    assert len(ids) == len(TAXONOMY)
    assert all(t.label and t.description and t.terms for t in TAXONOMY)


@pytest.mark.parametrize("text, theme", [
    ("It took ages to hear anything", "speed"),
    ("Nobody kept me informed", "communication"),
    ("Still not fixed after two visits", "resolution_quality"),
    ("The engineer was rude", "staff_attitude"),
    ("The self-service portal form would not submit", "self_service_portal"),
    ("My docking station and charger arrived", "equipment"),
    ("Citrix drops when working from home", "remote_access"),
    ("I was locked out after the MFA change", "accounts_passwords"),
    ("Nobody rang back as promised", "follow_up"),
])
def test_matches_curated_themes_with_simple_stemming(text, theme):
    assert theme in match_themes(text)


def test_explain_shows_the_matching_words():
    assert explain_themes("Printers keep jamming, rang twice")["equipment"] == ["printers"]


def test_placeholders_and_empty_text_match_nothing():
    assert match_themes("call me on [PHONE]") == []
    assert match_themes(None) == [] and match_themes("") == []


def test_no_false_theme_from_ordinary_words():
    assert match_themes("In a word, my line manager approved it") == []


CORPUS = (
    ["vpn keeps dropping at home", "vpn connection drops working from home", "cannot connect vpn from home"] * 4
    + ["printer jammed again toner empty", "printer toner replaced", "printer jam on the second floor"] * 4
    + ["password reset locked out account", "account locked after password change", "reset my password please"] * 4
)


def test_discovery_is_deterministic_for_a_seed():
    assert discover_themes(CORPUS, k=3, seed=7) == discover_themes(CORPUS, k=3, seed=7)


def test_discovery_separates_obvious_topics():
    themes, assignment = discover_themes(CORPUS, k=3, seed=0)
    assert len(themes) == 3 and len(assignment) == len(CORPUS)
    heads = {frozenset(t.top_terms[:3]) for t in themes}
    assert any("vpn" in h for h in heads) and any("printer" in h for h in heads)
    assert any("password" in h or "locked" in h for h in heads)
    blocks = [set(assignment[i:i + 12]) for i in (0, 12, 24)]  # one topic per block of 12
    assert all(len(b) == 1 for b in blocks) and len(set.union(*blocks)) == 3
    assert all(t.examples for t in themes)


def test_discovery_handles_tiny_and_empty_input():
    themes, assignment = discover_themes(["printer broken"], k=5)
    assert len(themes) == 1 and assignment == [0]
    assert discover_themes(["", None], k=2) == ([], [-1, -1])
    with pytest.raises(ValueError):
        discover_themes(["x"], k=0)


def test_discovery_examples_are_redacted():
    texts = ["email me at a.b@example.com about the printer"] * 3 + ["vpn slow"] * 3
    themes, _ = discover_themes(texts, k=2)
    assert all("@" not in e for t in themes for e in t.examples)
