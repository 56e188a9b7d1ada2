"""Customer texts that are not about IT: tweets to companies and product reviews."""
import random

import pytest
from sklearn.metrics import f1_score

from analysis_svc.adapters.text import build_analyser, corpora
from analysis_svc.adapters.text.evaluate import vader_label
from analysis_svc.adapters.text.vader import plain_nltk_vader


@pytest.fixture(scope="module")
def analyser():
    return build_analyser(learned=False)


@pytest.mark.parametrize("text, expected", [
    ("@AcmeAir sooo slow, 2 hours on the phone", "negative"),
    ("@AcmeAir thanks for nothing", "negative"),
    ("Thanks for wasting my afternoon @AcmeAir", "negative"),
    ("still waiting for my refund @ShopCo", "negative"),
    ("#NotHappy with the new app", "negative"),
    ("never again @ShopCo", "negative"),
    ("Great service:)", "positive"),
    ("goooood job @ShopCo, parcel came early", "positive"),
    ("Love it 😍 https://t.co/abc", "positive"),
    ("Will be returning this, the fabric looks cheap", "negative"),
    ("So comfy and true to size", "positive"),
    ("@ShopCo order 12345 https://t.co/xyz #delivery", "neutral"),
])
def test_customer_phrasing(analyser, text, expected):
    assert analyser.analyse(text).label == expected


def test_handles_and_links_carry_no_sentiment(analyser):
    assert analyser.analyse("@LoveJoyHappy https://example.com/great-awesome").compound == 0.0


def test_not_worse_than_plain_vader_on_a_sample_of_tweets(analyser):
    root = corpora.data_dir()
    if root is None:
        pytest.skip("shared/data not present")
    rows = random.Random(0).sample(corpora.semeval(root, "dev"), 400)
    gold = [y for _, y in rows]
    plain = plain_nltk_vader()
    vader = [vader_label(plain.polarity_scores(t)["compound"]) for t, _ in rows]
    ours = [a.label for a in analyser.analyse_many((t, None, None) for t, _ in rows)]
    assert f1_score(gold, ours, average="macro") >= f1_score(gold, vader, average="macro") - 0.01
