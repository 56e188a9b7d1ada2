"""Discovery on other people's words: cleaned terms, its own number of themes, low signal unassigned."""
import random

import pytest

from analysis_svc.adapters.text import corpora, discover_themes
from analysis_svc.adapters.text.discovery import UNASSIGNED, clean_for_themes

TOPICS = {
    "delivery": ["my parcel never arrived", "delivery was late again", "courier left the parcel outside",
                 "parcel delivery took two weeks", "tracking says delivered but no parcel"],
    "refund": ["still waiting for my refund", "refund was refused", "they took my money and no refund",
               "asked for a refund three times", "refund promised but never paid"],
    "app": ["the app keeps crashing on login", "app login fails every time", "the new app update broke login",
            "cannot login to the app", "app crashes when I open my account"],
}


def tweets(seed=0):
    """Customer tweets wrapped in handles, links, addresses, numbers, greetings and sign-offs."""
    rng = random.Random(seed)
    out, truth = [], []
    for _ in range(90):
        topic = rng.choice(sorted(TOPICS))
        text = (f"Hi @AcmeHelp{rng.randint(1, 3)} {rng.choice(TOPICS[topic])} order {rng.randint(10000, 99999)} "
                f"https://t.co/{rng.randint(100, 999)}xyz it's just so annoying, thanks mail me jo{rng.randint(1, 9)}"
                f"@example.com kind regards Sent from my iPhone")
        out.append(text)
        truth.append(topic)
    return out, truth


def test_handles_urls_numbers_and_boilerplate_never_become_theme_terms():
    texts, _ = tweets()
    themes, _ = discover_themes(texts, 3)
    terms = [term for t in themes for term in t.top_terms]
    assert terms
    for term in terms:
        assert not any(bad in term for bad in ("@", "http", "t.co", "acme", "example", "iphone"))
        assert not any(c.isdigit() for c in term)
        assert term not in {"hi", "it's", "just", "thanks", "kind", "regards", "sent", "order"} - {"order"}


def test_themes_follow_the_complaints_not_the_company():
    texts, truth = tweets()
    _, assignment = discover_themes(texts, 3)
    for topic in TOPICS:
        members = [a for a, t in zip(assignment, truth) if t == topic]
        assert max(members.count(a) for a in set(members)) >= 0.8 * len(members)


def test_low_signal_answers_are_unassigned():
    texts, _ = tweets()
    noise = ["ok", "N/A", "thanks!", "@AcmeHelp1", "https://t.co/abc", "12345", "hi", ""]
    themes, assignment = discover_themes(texts + noise, 3)
    assert assignment[len(texts):] == [UNASSIGNED] * len(noise)
    assert sum(a != UNASSIGNED for a in assignment[:len(texts)]) >= 0.95 * len(texts)


def test_number_of_themes_is_chosen_when_not_given_and_themes_are_named():
    texts, truth = tweets()
    themes, assignment = discover_themes(texts, seed=0)
    assert 5 <= len(themes) <= len(texts) // 5  # the range, capped at one theme per five answers
    assert discover_themes(texts, seed=0) == (themes, assignment)
    assert all(t.label and t.label == " / ".join(t.top_terms[:3]) for t in themes)
    for theme in themes:  # however many, none mixes two complaints
        topics = [t for a, t in zip(assignment, truth) if a == theme.id]
        assert max(topics.count(t) for t in set(topics)) >= 0.8 * len(topics)


def test_themes_are_numbered_largest_first():
    texts, _ = tweets()
    _, assignment = discover_themes(texts, 3)
    sizes = [assignment.count(i) for i in range(3)]
    assert sizes == sorted(sizes, reverse=True)


def test_cleaning_keeps_the_words():
    assert clean_for_themes("Hi @bob see https://x.co/a, call 0123 or a@b.com: refund late!").split() == \
        ["hi", "see", "call", "or", ":", "refund", "late!"]


def test_public_complaints_terms_are_clean():
    root = corpora.data_dir()
    if root is None:
        pytest.skip("shared/data not present")
    texts = [t for t, _, _ in random.Random(0).sample(corpora.complaints(root), 300)]
    themes, _ = discover_themes(texts, 6)
    terms = [term for t in themes for term in t.top_terms]
    assert not [t for t in terms if "xx" in t or any(c.isdigit() for c in t)]
