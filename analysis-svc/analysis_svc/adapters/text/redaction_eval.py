"""How well redaction does, per kind of personal data, on the committed evaluation set.

    analysis-svc evaluate-redaction [--split dev|test|test2|all] [--json] [--save]
    python -m analysis_svc.adapters.text.redaction_eval [--split ...] [--json] [--save]

--save stores the held-out figures (test, with test2 beside them) in data/redaction_coverage.json:
what the board report and the dashboard say is removed (analysis_svc.reports.privacy).

Recall: the share of gold spans wholly removed (by any placeholder: what matters is that the
data is gone). Precision: the share of a kind's placeholders that cover gold data of that kind.
Product words: the share of IT product words in the set that were wrongly redacted.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .redaction import find

EVAL_SET = Path(__file__).parent / "data" / "redaction_eval.jsonl"
COVERAGE = Path(__file__).parent / "data" / "redaction_coverage.json"
KINDS = ("names", "emails", "phones", "postcodes", "cards", "secrets", "ips", "macs",
         "asset_tags", "vehicle_regs")
KIND_OF = {"[NAME]": "names", "[EMAIL]": "emails", "[PHONE]": "phones", "[POSTCODE]": "postcodes",
           "[CARD]": "cards", "[SECRET]": "secrets", "[IP ADDRESS]": "ips", "[MAC ADDRESS]": "macs",
           "[DEVICE ID]": "asset_tags", "[VEHICLE REG]": "vehicle_regs"}
LABELS = {"names": "people's names", "emails": "email addresses", "phones": "phone numbers",
          "postcodes": "postcodes", "cards": "card numbers", "secrets": "passwords, PINs and keys",
          "ips": "IP addresses", "macs": "MAC addresses", "asset_tags": "asset tags",
          "vehicle_regs": "vehicle registrations"}
SPLITS = ("dev", "test", "test2", "all")  # test and test2 are held out: nothing was tuned on them
REPORTED_SPLIT = "test"
GOALS = {"names_recall": 0.90, "products_redacted": 0.05}


@dataclass(frozen=True)
class KindScore:
    kind: str
    gold: int
    found: int
    recall: float
    predicted: int
    correct: int
    precision: float


@dataclass(frozen=True)
class Evaluation:
    split: str
    comments: int
    kinds: tuple[KindScore, ...]
    products: int
    products_redacted: int

    @property
    def products_share(self) -> float:
        return self.products_redacted / self.products if self.products else 0.0

    def kind(self, name: str) -> KindScore:
        return next(k for k in self.kinds if k.kind == name)


def load(split: str = "all") -> list[dict]:
    """The evaluation rows of one split (one of SPLITS)."""
    with open(EVAL_SET, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r for r in rows if "text" in r and (split == "all" or r["split"] == split)]


def _covered(start: int, end: int, spans: list) -> bool:
    taken = set()
    for s, e, _ in spans:
        if s < end and e > start:
            taken.update(range(max(s, start), min(e, end)))
    return len(taken) == end - start


def evaluate(split: str = REPORTED_SPLIT) -> Evaluation:
    """Precision and recall per kind, and the share of product words redacted, on one split."""
    rows = load(split)
    gold = {k: 0 for k in KINDS}
    found = {k: 0 for k in KINDS}
    predicted = {k: 0 for k in KINDS}
    correct = {k: 0 for k in KINDS}
    products = redacted = 0
    for row in rows:
        spans = find(row["text"], (row["requester"],))
        for start, end, kind in row["spans"]:
            gold[kind] += 1
            found[kind] += _covered(start, end, spans)
        for start, end, mark in spans:
            kind = KIND_OF.get(mark)
            if kind is None:
                continue
            predicted[kind] += 1
            correct[kind] += any(k == kind and s < end and e > start for s, e, k in row["spans"])
        for start, end in row["products"]:
            products += 1
            redacted += any(s < end and e > start for s, e, _ in spans)
    scores = tuple(KindScore(k, gold[k], found[k], _ratio(found[k], gold[k]), predicted[k], correct[k],
                             _ratio(correct[k], predicted[k])) for k in KINDS)
    return Evaluation(split, len(rows), scores, products, redacted)


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 1.0


def stored(result: Evaluation, second: Evaluation | None = None) -> dict:
    """What --save writes: the reported split's figures (and a second held-out split's)."""
    def figures(r: Evaluation) -> dict:
        return {"split": r.split, "comments": r.comments, "products": r.products,
                "products_redacted": r.products_redacted, "products_share": round(r.products_share, 3),
                "kinds": [asdict(k) | {"label": LABELS[k.kind]} for k in r.kinds if k.gold]}
    return figures(result) | {"command": "analysis-svc evaluate-redaction --save",
                              "also": [figures(second)] if second else []}


def save() -> dict:
    """Evaluate the held-out splits and store the figures the reports quote."""
    figures = stored(evaluate(REPORTED_SPLIT), evaluate("test2"))
    COVERAGE.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return figures


def table(result: Evaluation) -> str:
    """A Markdown table of one evaluation."""
    lines = [f"Split: {result.split} ({result.comments} comments)", "",
             "| kind | gold | removed | recall | placeholders | precision |", "|---|---|---|---|---|---|"]
    for k in result.kinds:
        if k.gold or k.predicted:  # test2 holds names (and no personal data) only
            lines.append(f"| {k.kind} | {k.gold} | {k.found} | {k.recall:.3f} | {k.predicted} | {k.precision:.3f} |")
    lines.append(f"\nIT product words wrongly redacted: {result.products_redacted} of {result.products} "
                 f"({result.products_share:.1%})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, default=REPORTED_SPLIT)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--save", action="store_true", help=f"store the held-out figures in {COVERAGE.name}")
    args = parser.parse_args(argv)
    if args.save:
        save()
        print(f"stored the {REPORTED_SPLIT} and test2 figures in {COVERAGE}")
    result = evaluate(args.split)
    if args.json:
        print(json.dumps(asdict(result) | {"products_share": round(result.products_share, 3)}, indent=2))
    else:
        print(table(result))
    names = result.kind("names")
    met = names.recall >= GOALS["names_recall"] and result.products_share <= GOALS["products_redacted"]
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
