"""The requester's name: the word pre-check finds exactly what the compiled pattern finds."""
import random

from analysis_svc.adapters.text import redaction
from analysis_svc.adapters.text.redaction import _name_pattern, _requester_spans, _spans

NAMES = [("Jane Smith",), ("Will Turner",), ("Alex O'Brien",), ("Łukasz Nowak",), ("J Smith",),
         ("Kate Kelly",), ("Ross Jones", "Aoife"), ("Siân Evans",), ("x",)]
WORDS = ["jane", "Jane", "JANE", "smith", "Smith", "SMITH", "jane  smith", "Jane\tSmith", "will",
         "Will", "WILL", "turner", "o'brien", "O'Brien's", "Alex", "łukasz", "Łukasz", "ŁUKASZ",
         "nowak", "j", "J", "KATE", "kelly", "\u212aate", "Kate's", "ROSS", "ross", "aoife", "Aoife",
         "siân", "SIÂN", "evans", "ſmith", "sorted", "it", ",", ".", " ", "-", "_", "1"]


def _compiled(text, names):
    pattern = _name_pattern(names)
    return _spans(pattern, text, "[NAME]") if pattern is not None else []


def test_the_pre_check_never_changes_what_is_found():
    rng = random.Random(12)
    for _ in range(20_000):
        names = rng.choice(NAMES)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8)))
        assert _requester_spans(text, names) == _compiled(text, names), (text, names)


def test_a_comment_without_the_requester_compiles_no_pattern():
    redaction._name_pattern.cache_clear()
    assert redaction.find("Printer fixed quickly, thanks.", ("Nobody Else",)) == []
    assert redaction._name_pattern.cache_info().misses == 0
    assert redaction.redact("thanks, nobody ELSE rang", ("Nobody Else",)) == "thanks, [NAME] rang"
