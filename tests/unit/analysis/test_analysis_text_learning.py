"""The learned model: improves on a stream labelled by scores, and survives a restart."""
import random

import joblib
import pytest

from analysis_svc.adapters.text import build_analyser
from analysis_svc.adapters.text.analyser import MIN_LABELS, MODEL_FILE

# Words no lexicon knows: only the stream can teach their meaning.
GOOD = ["zorbly", "quanix", "frellish", "ploomy"]
BAD = ["grobbly", "snarked", "vexulent", "dreeb"]
THINGS = ["laptop", "ticket", "printer", "VPN", "account", "phone"]


def stream(n, seed, noise=0.1):
    rng = random.Random(seed)
    texts, scores = [], []
    for _ in range(n):
        kind = rng.choice(["good", "bad", "plain"])
        thing = rng.choice(THINGS)
        if kind == "good":
            text, score = f"the {thing} was {rng.choice(GOOD)}", rng.choice([4, 5])
        elif kind == "bad":
            text, score = f"the {thing} was {rng.choice(BAD)}", rng.choice([1, 2])
        else:
            text, score = f"the {thing} was collected on {rng.choice(['Monday', 'Tuesday'])}", 3
        if rng.random() < noise:  # people mis-click: the score is a noisy label
            score = rng.randint(1, 5)
        texts.append(text)
        scores.append(score)
    return texts, scores


def accuracy(analyser, texts, scores):
    truth = ["negative" if s <= 2 else "neutral" if s == 3 else "positive" for s in scores]
    got = [a.label for a in analyser.analyse_many((t, None, None) for t in texts)]
    return sum(g == t for g, t in zip(got, truth)) / len(texts)


def test_model_improves_on_a_noisy_stream():
    analyser = build_analyser()
    held_out = stream(300, seed=99, noise=0.0)
    before = accuracy(analyser, *held_out)
    texts, scores = stream(3000, seed=1)
    for i in range(0, len(texts), 100):
        analyser.learn(texts[i:i + 100], scores[i:i + 100])
    after = accuracy(analyser, *held_out)
    assert before < 0.5
    assert after > 0.9


def test_model_stays_silent_until_it_has_enough_labels():
    analyser = build_analyser()
    texts, scores = stream(MIN_LABELS - 1, seed=2)
    before = analyser.analyse("the laptop was zorbly").compound
    analyser.learn(texts, scores)
    assert analyser.model_weight() == 0.0
    assert analyser.analyse("the laptop was zorbly").compound == before


def test_learn_ignores_empty_comments_and_missing_scores():
    analyser = build_analyser()
    analyser.learn(["", None, "fine"], [5, 5, None])
    assert analyser.model.n_seen == 0


def test_restart_keeps_what_was_learned(tmp_path):
    first = build_analyser(tmp_path)
    texts, scores = stream(1000, seed=3)
    first.learn(texts, scores)
    probe = ["the printer was vexulent", "the ticket was ploomy", "the VPN was collected on Monday"]
    expected = first.analyse_many((t, None, None) for t in probe)

    second = build_analyser(tmp_path)
    assert second.model.n_seen == first.model.n_seen == 1000
    assert second.analyse_many((t, None, None) for t in probe) == expected
    assert [a.label for a in expected] == ["negative", "positive", "neutral"]


def test_state_is_what_is_saved(tmp_path):
    analyser = build_analyser(tmp_path)
    analyser.learn(*stream(50, seed=4))
    saved = joblib.load(tmp_path / MODEL_FILE)
    assert saved["version"] == analyser.state()["version"]
    assert list(saved["class_counts"]) == list(analyser.state()["class_counts"])


def test_unknown_state_version_starts_fresh(tmp_path):
    joblib.dump({"version": -1}, tmp_path / MODEL_FILE)
    assert build_analyser(tmp_path).model.n_seen == 0


@pytest.mark.parametrize("model_dir", [None])
def test_without_model_dir_nothing_is_written(tmp_path, monkeypatch, model_dir):
    monkeypatch.chdir(tmp_path)
    build_analyser(model_dir).learn(*stream(20, seed=5))
    assert list(tmp_path.iterdir()) == []


def test_learning_from_just_analysed_comments_reuses_their_rule_scores_with_the_same_result():
    texts, scores = stream(300, seed=11)
    texts = [t + " ring 07700 900123" if i % 7 == 0 else t for i, t in enumerate(texts)]
    warm, cold = build_analyser(), build_analyser()
    redacted = [a.redacted for a in warm.analyse_many([(t, None, s) for t, s in zip(texts, scores)])]
    warm.learn(redacted, scores)   # rule scores come from the analysis just done
    cold.learn(redacted, scores)   # computed afresh
    for key, value in warm.state().items():
        assert joblib.hash(value) == joblib.hash(cold.state()[key]), key
