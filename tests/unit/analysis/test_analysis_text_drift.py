"""The learned part cannot drift on noise, waits for informative labels, and says which model scored."""
import random

from analysis_svc.adapters.text import build_analyser, corpora
from analysis_svc.adapters.text.evaluate import load

THINGS = ["ticket", "printer", "laptop", "vpn", "account", "monitor", "dock", "toner", "form", "badge"]


def opinion_free(n, seed=0):
    """'ticket 123 printer'-style comments with scores cycling 1-5, as `make run` sends."""
    rng = random.Random(seed)
    texts = [f"{rng.choice(THINGS)} {rng.randint(1, 99999)} {rng.choice(THINGS)}" for _ in range(n)]
    return texts, [1 + i % 5 for i in range(n)]


def probe_texts():
    """The IT set, and 300 public tweets (fixed seed) when shared/data is beside the repo."""
    texts = [r["text"] for r in load()]
    root = corpora.data_dir()
    if root is not None:
        texts += [t for t, _ in random.Random(0).sample(corpora.semeval(root, "test"), 300)]
    return texts


def test_opinion_free_stream_moves_no_label():
    fresh, fed = build_analyser(), build_analyser()
    texts, scores = opinion_free(2000)
    for i in range(0, len(texts), 500):
        fed.learn(texts[i:i + 500], scores[i:i + 500])
    assert fed.model.n_seen == 2000 and fed.model.table == {}
    probe = [(t, None, None) for t in probe_texts()]
    assert [a.label for a in fed.analyse_many(probe)] == [a.label for a in fresh.analyse_many(probe)]
    assert fed.version == fresh.version


def test_skewed_scores_on_opinion_free_comments_move_nothing_either():
    fed = build_analyser()
    texts, _ = opinion_free(2000, seed=1)
    fed.learn(texts, [5] * 1500 + [4] * 500)
    assert fed.model.table == {}


def test_learned_words_only_move_scores_inside_the_band():
    analyser = build_analyser()
    texts = ["the laptop was zorbly"] * 300 + ["the laptop was grobbly"] * 300 + ["the laptop arrived"] * 300
    analyser.learn(texts, [5] * 300 + [1] * 300 + [3] * 300)
    assert "zorbly" in analyser.model.table and "laptop" not in analyser.model.table
    assert analyser.analyse("the laptop was zorbly").label == "positive"
    strong = build_analyser(learned=False).analyse("Absolutely brilliant, thank you so much! zorbly").compound
    assert analyser.analyse("Absolutely brilliant, thank you so much! zorbly").compound == strong
    assert abs(analyser.analyse("the laptop was grobbly").compound) < 0.5


def test_a_table_that_fails_the_frozen_set_is_not_used():
    analyser = build_analyser()
    # Teach that praise words mean a 1: it would wreck the frozen set, so it must be rejected.
    texts = ["thanks great helpful fixed quick brilliant"] * 400 + ["the printer arrived"] * 400
    analyser.learn(texts, [1] * 400 + [5] * 400)
    assert analyser.rejected >= 1
    assert analyser.model.table == {}
    assert analyser.version == build_analyser(learned=False).version


def test_base_model_never_learns_and_reports_its_version(tmp_path):
    base = build_analyser(tmp_path, learned=False)
    base.learn(["the laptop was zorbly"] * 500, [5] * 500)
    assert base.model.n_seen == 0 and list(tmp_path.iterdir()) == []
    assert base.version.startswith("base-") and base.model_version == base.version


def test_version_names_the_learned_table_once_it_is_in_use():
    analyser = build_analyser()
    texts = ["the laptop was zorbly"] * 200 + ["the laptop was grobbly"] * 200 + ["the laptop arrived"] * 200
    analyser.learn(texts, [5] * 200 + [1] * 200 + [3] * 200)
    assert analyser.version.startswith(build_analyser(learned=False).version + "+learned.n600.")
