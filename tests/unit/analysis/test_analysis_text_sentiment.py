"""Sentiment on IT-service phrasing, negation, mentions and URLs, and disagreement flags."""
import pytest

from analysis_svc.adapters.text import build_analyser
from analysis_svc.adapters.text.vader import plain_nltk_vader


@pytest.fixture(scope="module")
def analyser():
    return build_analyser()


def label(analyser, text, **kw):
    return analyser.analyse(text, **kw).label


@pytest.mark.parametrize("text", [
    "Sorted in ten minutes.", "Fixed first time.", "Back up and running within the hour.",
    "Kept me updated throughout.", "Rang me straight back.", "Works a treat now.",
    "Can't praise the team enough.", "Couldn't have asked for more.", "Didn't expect it to be fixed so fast.",
])
def test_domain_praise_is_positive(analyser, text):
    assert label(analyser, text) == "positive"


@pytest.mark.parametrize("text", [
    "Still not working.", "Nobody called back.", "Took ages.", "Not fixed.",
    "No longer working since the update.", "Had to chase three times.",
    "Ticket closed without anyone contacting me.", "Passed from pillar to post.",
    "Waited 3 weeks for a laptop.", "The VPN keeps dropping.", "I wouldn't call this resolved.",
])
def test_domain_complaints_are_negative(analyser, text):
    assert label(analyser, text) == "negative"


@pytest.mark.parametrize("text", [
    "Password reset.", "Logged via the portal on Monday.", "No comment.", "N/A",
    "We use the shared drive for case files.", "Reported by the Adult Social Care team.",
    "Please can you also install Visio.",
])
def test_factual_comments_are_neutral(analyser, text):
    assert label(analyser, text) == "neutral"


def test_negated_domain_terms_flip(analyser):
    assert analyser.analyse("It is back up and running").compound > 0
    assert analyser.analyse("It is not back up and running").compound < 0
    assert analyser.analyse("It was fixed").compound > 0 > analyser.analyse("It was never fixed").compound


def test_problem_no_longer_happening_is_positive(analyser):
    assert label(analyser, "The problem no longer happens.") == "positive"


def test_mentions_and_urls_carry_no_sentiment(analyser):
    plain = analyser.analyse("Printer jammed.").compound
    assert analyser.analyse("@happyhelpdesk Printer jammed. https://example.com/great-love-joy").compound == plain


def test_plain_vader_misses_what_we_catch():
    vader = plain_nltk_vader()
    assert vader.polarity_scores("Still not working.")["compound"] == 0.0


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_comment_is_neutral_and_unredacted(analyser, text):
    result = analyser.analyse(text, score=5)
    assert (result.label, result.compound, result.themes, result.disagreement) == ("neutral", 0.0, [], False)


def test_redaction_happens_before_scoring_and_is_returned(analyser):
    result = analyser.analyse("Jane rang me back on 07700 900123, brilliant", requester_name="Jane Smith")
    assert result.redacted == "[NAME] rang me back on [PHONE], brilliant"
    assert result.label == "positive"


def test_compound_is_bounded(analyser):
    for text in ["AWFUL AWFUL AWFUL!!!! " * 20, "brilliant excellent superb!!! " * 20]:
        assert -1.0 <= analyser.analyse(text).compound <= 1.0


@pytest.mark.parametrize("text, score, flagged", [
    ("Absolutely useless, still not working and nobody called back.", 5, True),
    ("Brilliant, sorted first time, thank you so much!", 1, True),
    ("Brilliant, sorted first time, thank you so much!", 5, False),
    ("Password reset.", 1, False),
    ("Absolutely useless, still not working and nobody called back.", None, False),
])
def test_disagreement_between_score_and_comment(analyser, text, score, flagged):
    assert analyser.analyse(text, score=score).disagreement is flagged


def test_analyse_many_matches_analyse(analyser):
    items = [("Still broken", "Ann Lee", 1), (None, None, 3), ("Sorted, thanks Ann", "Ann Lee", 5)]
    assert analyser.analyse_many(items) == [analyser.analyse(t, requester_name=n, score=s) for t, n, s in items]


@pytest.mark.parametrize("text, expected", [
    ("Printer replaced 👍", "positive"), ("Printer jammed 😡", "negative"),
    ("It didn\u2019t work", "negative"), ("#fail again", "negative"), ("@bob", "neutral"),
])
def test_emoji_curly_apostrophes_hashtags_and_bare_mentions(analyser, text, expected):
    assert label(analyser, text) == expected


def test_trigger_gating_changes_no_phrase_match():
    from analysis_svc.adapters.text.evaluate import load
    from analysis_svc.adapters.text.phrases import PhraseRules

    rules = PhraseRules()
    texts = [r["text"] for r in load()] + [" ".join(p) for p in zip(*[iter(r["text"] for r in load())] * 3)]
    assert [rules.apply(t) for t in texts] == [rules.apply_all(t) for t in texts]
