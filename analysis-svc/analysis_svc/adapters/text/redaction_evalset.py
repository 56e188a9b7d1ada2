"""Generate the redaction evaluation set (data/redaction_eval.jsonl): a dev-time tool that needs Faker.

    python -m analysis_svc.adapters.text.redaction_evalset   # rewrites the committed file

Synthetic service-desk comments, each with the spans of personal data it holds (and of IT
product words, which must survive). Names come from Faker's en_GB, en_IE, en_IN and pl_PL
locales, independent of the census lists that redaction uses. The templates
(redaction_evalset_templates.py) are split: dev was looked at while tuning the rules; test and
test2 only for the reported figures.
Fixed seed: the file, and so the figures, reproduce (with the Faker version named in it).
"""
from __future__ import annotations

import json
import random
import re
import string
import sys

from .redaction_eval import EVAL_SET
from .redaction_evalset_templates import DEV_EXTRA, PRODUCTS, SECOND_ROUND, TEMPLATES

SEED = 20261201
PER_TEMPLATE = 12
LOCALES = {"en_GB": 0.66, "en_IE": 0.1, "en_IN": 0.14, "pl_PL": 0.1}
PRODUCT_SLOTS = ("p", "p2")
_PRODUCT_WORD = re.compile(r"\b(?:" + "|".join(PRODUCTS + ["Microsoft"]) + r")\b")


def _password(rng: random.Random, fake) -> str:
    word = fake.word().capitalize()
    return rng.choice([f"{word}{rng.randint(1, 99)}{rng.choice('!£$#')}", f"{word}{rng.randint(1000, 2030)}",
                       "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(10)),
                       f"{word[0].lower()}{word[1:]}{rng.choice('@#!')}{rng.randint(10, 99)}"])


def _token(rng: random.Random) -> str:
    body = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(28, 40)))
    return rng.choice(["", "sk-", "ghp_", "xoxb-"]) + body


def _plate(rng: random.Random, old: bool) -> str:
    letters = "ABCDEFGHJKLMNOPRSTUVWXY"
    tail = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
    if not old:
        age = rng.choice(["0", "1", "2", "5", "6", "7"]) + str(rng.randint(0 if old else 2, 9))
        return f"{rng.choice(letters)}{rng.choice(letters)}{age}{rng.choice([' ', ' ', ''])}{tail}"
    if rng.random() < 0.5:
        return f"{rng.choice('ABCDEFGHJKLMNPRSTVWXY')}{rng.randint(1, 999)} {tail}"
    return f"{tail} {rng.randint(1, 999)}{rng.choice('ABCDEFGHJKLMNPRSTVWXY')}"


def _phone(rng: random.Random) -> str:
    n = "".join(str(rng.randint(0, 9)) for _ in range(6))
    return rng.choice([f"07700 9{n[:5]}", f"07{rng.randint(100, 999)} {n}", f"+44 7{rng.randint(100, 999)} {n}",
                       f"0161 496 {n[:4]}", f"(020) 7946 {n[:4]}", f"01632 96{n[:4]}"])


def _person(rng: random.Random, fakers: dict) -> tuple[str, str]:
    fake = fakers[rng.choices(list(LOCALES), weights=list(LOCALES.values()))[0]]
    return fake.first_name(), fake.last_name()


def _row(rng, fakers, kind, template, split, number):
    fake = fakers["en_GB"]
    me = fake.first_name()
    requester = f"{me} {fake.last_name()}"
    values = {}
    people = [_person(rng, fakers) for _ in range(2)]
    products = rng.sample(PRODUCTS, 2)
    text, spans, protected = "", [], []
    for literal, slot in _pieces(template):
        text += literal
        if slot is None:
            continue
        personal, value, prefix = _fill(slot, rng, fake, people, products, me)
        text += prefix
        start = len(text)
        text += value
        if personal:
            spans.append([start, len(text), personal])
        elif slot in PRODUCT_SLOTS:
            protected.append([start, len(text)])
        values[slot] = value
    for m in _PRODUCT_WORD.finditer(text):  # product words written into the template itself
        inside = any(s < m.end() and e > m.start() for s, e, _ in spans)
        if not inside and [m.start(), m.end()] not in protected:
            protected.append([m.start(), m.end()])
    protected.sort()
    return {"id": f"{kind}-{number:04d}", "split": split, "kind": kind, "text": text,
            "requester": requester, "spans": spans, "products": protected}


def _pieces(template: str):
    out, rest = [], template
    while "{" in rest:
        before, _, after = rest.partition("{")
        slot, _, rest = after.partition("}")
        out.append((before, slot))
    out.append((rest, None))
    return out


def _fill(slot, rng, fake, people, products, me):
    """(kind or None, value, unredacted prefix) for one slot."""
    first, last = people[0]
    if slot == "person":
        return "names", f"{first} {last}", ""
    if slot == "person2":
        return "names", " ".join(people[1]), ""
    if slot == "first":
        return "names", first, ""
    if slot == "first2":
        return "names", people[1][0], ""
    if slot == "lfirst":
        return "names", first.lower(), ""
    if slot == "title":
        return "names", last, rng.choice(["Mr ", "Mrs ", "Ms ", "Dr ", "Miss "])
    if slot == "lastname":
        return "names", last, ""
    if slot == "me":
        return "names", me, ""
    if slot in PRODUCT_SLOTS:
        return None, products[PRODUCT_SLOTS.index(slot)], ""
    makers = {
        "email": ("emails", lambda: fake.email()),
        "phone": ("phones", lambda: _phone(rng)),
        "postcode": ("postcodes", lambda: fake.postcode()),
        "card": ("cards", lambda: " ".join(_chunks(fake.credit_card_number(card_type=rng.choice(["visa16", "mastercard"]))))),
        "password": ("secrets", lambda: _password(rng, fake)),
        "pin": ("secrets", lambda: str(rng.randint(1000, 9999))),
        "token": ("secrets", lambda: _token(rng)),
        "ipv4": ("ips", lambda: fake.ipv4()),
        "ipv6": ("ips", lambda: fake.ipv6()),
        "mac": ("macs", lambda: rng.choice([fake.mac_address(), fake.mac_address().upper().replace(":", "-")])),
        "asset": ("asset_tags", lambda: rng.choice(["LT", "PC", "CC", "DT", "MON"]) + rng.choice(["-", ""]) + str(rng.randint(10000, 999999))),
        "plate": ("vehicle_regs", lambda: _plate(rng, old=False)),
        "plate_old": ("vehicle_regs", lambda: _plate(rng, old=True)),
    }
    kind, make = makers[slot]
    return kind, make(), ""


def _chunks(number: str) -> list[str]:
    return [number[i:i + 4] for i in range(0, len(number), 4)]


def build() -> list[dict]:
    """Every row: each template PER_TEMPLATE times; alternate templates of a kind go to dev and test."""
    import faker
    from faker import Faker
    rng = random.Random(SEED)
    fakers = {}
    for i, locale in enumerate(LOCALES):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(SEED + i)
    rows = []
    for kind, templates in TEMPLATES.items():
        for t, template in enumerate(templates):
            split = "dev" if t % 2 == 0 else "test"
            for _ in range(PER_TEMPLATE):
                rows.append(_row(rng, fakers, kind, template, split, len(rows)))
    for kind, templates in DEV_EXTRA.items():
        for template in templates:
            for _ in range(PER_TEMPLATE):
                rows.append(_row(rng, fakers, kind, template, "dev", len(rows)))
    for kind, templates in SECOND_ROUND.items():
        for t, template in enumerate(templates):
            split = "dev" if t % 2 == 0 else "test2"
            for _ in range(PER_TEMPLATE):
                rows.append(_row(rng, fakers, kind, template, split, len(rows)))
    rows.insert(0, {"meta": f"generated by redaction_evalset.py, seed {SEED}, Faker {faker.VERSION}"})
    return rows


def main() -> None:
    rows = build()
    with open(EVAL_SET, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows) - 1} rows -> {EVAL_SET}", file=sys.stderr)


if __name__ == "__main__":
    main()
