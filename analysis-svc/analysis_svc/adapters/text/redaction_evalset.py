"""Generate the redaction evaluation set (data/redaction_eval.jsonl): a dev-time tool that needs Faker.

    python -m analysis_svc.adapters.text.redaction_evalset   # rewrites the committed file

Synthetic service-desk comments, each with the spans of personal data it holds (and of IT
product words, which must survive). Names come from Faker's en_GB, en_IE, en_IN and pl_PL
locales, independent of the census lists that redaction uses. Templates are split in two:
the dev half was looked at while tuning the rules, the test half only for the reported figures.
Fixed seed: the file, and so the figures, reproduce (with the Faker version named in it).
"""
from __future__ import annotations

import json
import random
import re
import string
import sys

from .redaction_eval import EVAL_SET

SEED = 20261201
PER_TEMPLATE = 12
LOCALES = {"en_GB": 0.66, "en_IE": 0.1, "en_IN": 0.14, "pl_PL": 0.1}
PRODUCTS = ["Outlook", "Teams", "Windows", "Citrix", "Excel", "Word", "Chrome", "SharePoint",
            "OneDrive", "Zoom", "Jabra", "Dell", "HP", "Edge", "Lenovo", "Adobe", "Webex", "Sage",
            "Intune", "Mitel", "Ricoh", "Canon", "Surface", "Visio", "Access", "Mac", "Acrobat"]

# {person} full name, {first} first name, {lfirst} lower-case first name, {title} "Mr Surname"
# (only the surname is personal), {me} the requester's own first name, {p}/{p2} product words.
TEMPLATES = {
    "names": [
        "{person} sorted my {p} problem in ten minutes, brilliant.",
        "Thanks to {first} on the service desk, {p} works again.",
        "{first} was really patient while {p} reinstalled.",
        "I spoke to {person} who said {p} would be fixed by Friday.",
        "Engineer {first} came out and replaced the {p} dock.",
        "{title} never called me back about {p}.",
        "Big thanks to {first} and {first2} for getting {p} going.",
        "cheers {lfirst}, all working now",
        "{person} from IT was rude and did not listen.",
        "Had to chase {first} three times before anyone looked at {p}.",
        "Spoke with {first} on the phone, {p} still crashes though.",
        "The ticket was passed to {person} and then nothing happened.",
        "{first} remoted in and fixed {p} straight away. Great job {first2}!",
        "Please thank {title} for sorting the {p} licence.",
        "Hi, it's {me} again - {p} keeps freezing.",
        "My manager {person} had the same {p} issue last week.",
        "Really impressed with {first}, she explained everything about {p}.",
        "{person} and {person2} both tried but {p} is still slow.",
        "thanks {lfirst} for your help with {p}",
        "Not happy. {first} closed the call without asking me.",
        "Dear {first}, the {p} fix did not last.",
        "It was {first} who finally found the {p} setting.",
        "Left a voicemail for {title} about {p}, no reply.",
        "Ask {first} about the {p} upgrade, she knows what happened.",
    ],
    "emails": [
        "Please reply to {email} not my old address.",
        "Send the {p} report to {email} thanks",
        "{p} keeps bouncing mail from {email}.",
        "my personal email is {email} if work mail is down",
    ],
    "phones": [
        "Call me on {phone} as my desk phone is broken.",
        "Mobile {phone}, ring after 2pm please.",
        "{p} softphone not working, use {phone} instead.",
        "Nobody rang {phone} back even though I left it twice.",
    ],
    "postcodes": [
        "The laptop should go to our {postcode} office.",
        "Courier came to {postcode} instead of the depot.",
        "I work from home at {postcode} on Fridays and {p} VPN drops.",
        "Delivery address postcode {postcode}.",
    ],
    "cards": [
        "I paid with {card} for the {p} licence and was charged twice.",
        "Card {card} was used for the phone contract.",
        "refund to card {card} please",
        "They asked me for my card number {card} over the phone which seemed odd.",
    ],
    "secrets": [
        "My password is {password} and it still says wrong password.",
        "pwd: {password} - locked out of {p} again",
        "Reset my password to {password} but {p} won't accept it.",
        "The PIN is {pin} for the {p} printer.",
        "It gave me a temporary password {password} which expired.",
        "Here is the API key {token} for the {p} integration.",
        "token {token} stopped working after the update",
        "new password: {password} please update {p}",
        "My PIN {pin} for the door entry stopped working.",
        "I pasted {token} into the {p} settings like the guide said.",
        "passcode is {pin} if you need to get into the phone",
        "Password was changed to {password} by the desk.",
    ],
    "ips": [
        "My machine is on {ipv4} and cannot reach the {p} server.",
        "Ping to {ipv4} times out from the Hall.",
        "The printer IP is {ipv4}.",
        "IPv6 address {ipv6} shows in the {p} logs.",
        "VPN gives me {ipv4} but {p} needs the office range.",
        "Blocked by firewall from {ipv6} apparently.",
    ],
    "macs": [
        "MAC address {mac} needs adding to the wifi list.",
        "Device {mac} was blocked by the network team.",
        "{p} dock shows MAC {mac} in the report.",
        "Please whitelist {mac} for the {p} phone.",
    ],
    "asset_tags": [
        "My laptop {asset} has a cracked screen.",
        "Asset tag {asset} needs collecting from reception.",
        "The {p} keyboard for asset {asset} never arrived.",
        "Swap laptop {asset} for a new one please, the {p} battery is dead.",
        "Tag {asset} is the old {p} monitor.",
        "My pc {asset} will not boot after the {p} update.",
    ],
    "vehicle_regs": [
        "The pool car {plate} has a flat tyre so I missed the {p} training.",
        "Parked {plate} in the visitor bay, can IT sort the permit system?",
        "My van reg {plate_old} is not on the parking list.",
        "Registration {plate} keeps failing on the permit form.",
        "Car {plate_old} was clamped while I was at the {p} training.",
        "Vehicle {plate} was booked out but the app shows it free.",
    ],
    "none": [
        "{p} keeps crashing when I open attachments.",
        "Ticket INC0012345 raised at 2pm, still waiting.",
        "Windows 11 build 10.0.22631 broke {p}.",
        "It will work once {p} is updated, they said.",
        "May I suggest {p} training for new starters?",
        "Will the {p} migration happen in May or June?",
        "Mark as resolved please, {p} works now.",
        "{p} and {p2} both stopped syncing after the update.",
        "Great service, quick and friendly.",
        "The Service Desk were helpful but {p} is still slow.",
        "Grace period on the {p} licence ran out.",
        "Version 2.4.1.7 of {p} fixed it.",
        "Bill for the {p} licence went to the wrong team.",
        "Password reset was quick, thanks.",
        "My password is expired and {p} won't let me in.",
        "{p} on the Dell laptop is fine now.",
        "Town Hall wifi drops every afternoon.",
        "Microsoft {p} needs a restart every morning.",
        "The Jabra headset and {p} do not get on.",
        "Adult Social Care staff cannot open {p}.",
        "Why does {p} ask for my PIN every time?",
        "{p} crashed, then {p2} crashed, then I gave up.",
        "Sage and Excel exports still broken.",
        "Frank feedback: the {p} rollout was a mess.",
        "Could someone from IT look at {p} before Monday?",
        "Log in to {p} takes 10 minutes on the Citrix desktop.",
        "HP printer on floor 3 jams every day.",
        "{p} asks me to sign in again and again.",
    ],
}
# Added after the first held-out run (names recall 0.872 on test, 0.988 on dev): more dev phrasings
# to tune on, written without looking at the test rows; dev only, generated last so the rows
# above (and the test split) stay as they were.
DEV_EXTRA = {
    "names": [
        "Got a call back from {first} within the hour, {p} sorted.",
        "{first} {lastname} on the phone was lovely.",
        "Shout out to {first} for the {p} help!",
        "I was helped by {person} who knew {p} inside out.",
        "Nobody told me {first} had left, so my {p} ticket sat there.",
        "Request went to {person2} then {person} and still no {p} licence.",
        "{person}'s team handled the {p} move well.",
        "Only {first} seemed to care about the {p} outage.",
        "Mrs {lastname} in Finance has the same {p} fault.",
        "{first} at the desk said to restart {p}.",
        "My colleague {first} lost her {p} files too.",
        "Chased via email with {first}, she replied the next day.",
    ],
}
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
