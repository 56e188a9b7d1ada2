"""Redaction runs in linear time: 100 KB of adversarial text per pattern family, under a loose bound."""
import time

import pytest

from analysis_svc.adapters.text import redact
from analysis_svc.adapters.text.redaction import _INTL_PHONE

KB100 = 100_000
ADVERSARIAL = {
    "digits": "1" * KB100,
    "digits and spaces": "1 " * (KB100 // 2),
    "plus groups": ("+1" + "1" * 35 + "a ") * (KB100 // 38),
    "brackets": "+1" + "(1)" * (KB100 // 3),
    "dots": "1." * (KB100 // 2),
    "colons": "a:" * (KB100 // 2),
    "hex run": "ab12" * (KB100 // 4),
    "key chars": "aB3-" * (KB100 // 4),
    "capitals": "Dave " * (KB100 // 5),
    "capital runs": "Aaaa" * (KB100 // 4),
    "hyphenated": "A-" * (KB100 // 2),
    "apostrophes": "O'" * (KB100 // 2),
    "password words": "password is " * (KB100 // 12),
    "pin digits": "pin 1" * (KB100 // 5),
    "laptop tags": "laptop AB" * (KB100 // 9),
    "plates": "AB12 " * (KB100 // 5),
    "emails": "a@" * (KB100 // 2),
    "links": "http://" + "a" * KB100,
    "streets": "1 " + "Ab " * (KB100 // 3),
    "ips": "1.1.1." * (KB100 // 6),
    "macs": "aa:aa:aa:aa:aa:" * (KB100 // 15),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_100kb_of_adversarial_text_is_quick(name):
    text = ADVERSARIAL[name]
    started = time.perf_counter()
    redact(text, ["Jane Smith"])
    assert time.perf_counter() - started < 5.0  # loose: the quadratic cases took minutes


def test_the_crafted_international_phone_comment_is_quick():
    # 5,070 characters that took 10 s with the old "(?:[ .-]?\d{1,5}){2,7}" pattern
    text = ("+1" + "1" * 35 + "a ") * 130
    started = time.perf_counter()
    _INTL_PHONE.sub("", text)
    redact(text)
    assert time.perf_counter() - started < 0.5
