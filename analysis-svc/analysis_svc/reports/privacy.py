"""What redaction removes from comments, and what it does not, in the measured figures.

The figures are the ones `analysis-svc evaluate-redaction --save` stored from its last run on the
held-out evaluation split (adapters/text/data/redaction_coverage.json); a unit test fails when
they differ from a fresh run, so the board report and dashboard never quote stale numbers.
Read by path, so a page needing the wording does not import the text models.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

COVERAGE = Path(__file__).resolve().parent.parent / "adapters" / "text" / "data" / "redaction_coverage.json"
NOT_REMOVED = (
    "names written in lower case without a cue such as 'thanks' before them, and names that are "
    "also ordinary English words when nothing around them says they are a name",
    "nicknames and initials, and job titles or team names that identify one person",
    "details given in words ('my house by the church')",
    "passwords typed without a word such as 'password' or 'PIN' before them",
)


@lru_cache(maxsize=1)
def stored_figures() -> dict:
    """The stored evaluation result."""
    return json.loads(COVERAGE.read_text(encoding="utf-8"))


def coverage_statement() -> dict:
    """The wording the board report and dashboard use, with the figures it rests on."""
    figures = stored_figures()
    kinds = figures["kinds"]
    names = next(k for k in kinds if k["kind"] == "names")
    others = [k["recall"] for k in kinds if k["kind"] != "names"]
    shares = "; ".join(f"{k['label']} {k['recall']:.0%}" for k in kinds)
    text = (
        "Before anyone sees a comment, it is redacted: people's names (the requester's own and "
        "other people's), email addresses, phone numbers, postcodes and street addresses, card "
        "and National Insurance numbers, passwords, PINs and access keys typed into the text, "
        "IP and MAC addresses, asset tags and vehicle registrations are replaced by placeholders. "
        f"On {figures['comments']} synthetic service-desk comments held out from tuning, the share "
        f"of each removed was: {shares}. Street addresses, National Insurance numbers and links "
        "that carry a key are removed too, but were not measured. "
        f"{figures['products_share']:.0%} of IT product names "
        "(Outlook, Teams, Windows...) were removed by mistake. Not removed: "
        + "; ".join(NOT_REMOVED) + ". Redaction lowers the risk; it does not remove it."
    )
    short = (f"Comments are redacted before they are stored: tested on synthetic comments, "
             f"{names['recall']:.0%} of people's names and {min(others):.0%} or more of each other "
             "kind of personal detail were removed, so some can remain.")
    return {"split": figures["split"], "comments": figures["comments"], "removed": kinds,
            "names_recall": names["recall"], "products_redacted": figures["products_share"],
            "not_removed": list(NOT_REMOVED), "command": figures["command"], "text": text,
            "short": short}
