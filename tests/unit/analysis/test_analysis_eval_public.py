"""The public-set readers and table helpers behind `evaluate --public` (the full run is a command)."""
import pytest

from analysis_svc.adapters.text import corpora
from analysis_svc.adapters.text.evaluate_public import table, three_way


@pytest.fixture(scope="module")
def root():
    found = corpora.data_dir()
    if found is None:
        pytest.skip("shared/data not present")
    return found


def test_semeval_splits_are_disjoint_and_decoded(root):
    test, dev = corpora.semeval(root, "test"), corpora.semeval(root, "dev")
    assert len(test) == 12284
    train_texts = {t for t, _ in corpora.semeval(root, "train")}
    dev_texts = {t for t, _ in dev}
    assert len(train_texts & dev_texts) < 0.02 * len(dev_texts)  # disjoint by id; a few retweets repeat
    escaped = [t for t in train_texts if "\\u2019" in t or "&amp;" in t]  # a few are escaped twice
    assert len(escaped) < 0.01 * len(train_texts)


def test_review_split_is_fixed_and_disjoint(root):
    parts = {s: corpora.reviews(root, s) for s in ("train", "dev", "test")}
    assert sum(map(len, parts.values())) == 22641
    assert corpora.reviews(root, "test") == parts["test"]
    assert 0.08 < len(parts["test"]) / 22641 < 0.12 and 0.08 < len(parts["dev"]) / 22641 < 0.12


def test_ticket_sample_is_seeded(root):
    assert corpora.tickets(root, 50) == corpora.tickets(root, 50)
    assert len({y for _, y in corpora.tickets(root, 500)}) == 8


def test_complaints_have_narratives(root):
    rows = corpora.complaints(root)
    assert len(rows) == 1532 and all(t.strip() for t, _, _ in rows)


def test_three_way_and_table():
    assert three_way([0.3, 0.0, -0.2], 0.2, -0.05) == ["positive", "neutral", "negative"]
    assert "| a | 0.500 |" in table("T", ["x", "y"], [["a", 0.5]])
