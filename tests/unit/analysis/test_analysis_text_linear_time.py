"""Every regex that sees user text runs in linear time: 100 KB adversarial inputs finish quickly."""
import time

import pytest

from analysis_svc.adapters.text import build_analyser, discover_themes, match_themes, redact
from analysis_svc.adapters.text.discovery import clean_for_themes

N = 100_000
ADVERSARIAL = {
    "letters": "a" * N, "digits then letter": "1" * (N - 1) + "a", "handles": "@a" * (N // 2),
    "at signs": "a@" * (N // 2), "long link": "http://" + "a" * N, "link with token": "http://x/" + "ab1" * (N // 3),
    "intl phone": "+12345678901234567890123456789012345a " * (N // 38), "spaces": "1" + " " * N + "x",
    "dotted numbers": "1." * (N // 2) + "a", "dashed numbers": "1-" * (N // 2) + "a", "brackets": "[A " * (N // 3),
    "x run": "x" * N, "emoji": "😡" * (N // 2), "elongation": "s" + "o" * N, "hashes": "#" * N,
    "camel hashtags": "#aB" * (N // 3), "still": "still " * (N // 6), "phones": "(555) " * (N // 6),
    "streets": "12 Acacia " * (N // 10), "mixed": "aaaaaaaaa1" * (N // 10), "email local": "a.b+c-" * (N // 6) + "@x",
    "email domain": "a@" + "b-" * (N // 2), "emoticons": "a:" * (N // 2), "waiting": "waiting for " * (N // 12),
}
BOUND = 5.0  # seconds per input for all text paths together; loose, the machine is shared


@pytest.fixture(scope="module")
def analyser():
    return build_analyser(learned=False)


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_input_finishes_quickly(analyser, name):
    text = ADVERSARIAL[name]
    start = time.process_time()
    redact(text, ["Ann Lee"])
    analyser.analyse(text, requester_name="Ann Lee", score=1)
    match_themes(text)
    clean_for_themes(text)
    assert time.process_time() - start < BOUND


def test_discovery_on_long_adversarial_texts_finishes_quickly():
    start = time.process_time()
    discover_themes([ADVERSARIAL["handles"], ADVERSARIAL["long link"], ADVERSARIAL["mixed"]] * 2, 2)
    assert time.process_time() - start < 4 * BOUND
