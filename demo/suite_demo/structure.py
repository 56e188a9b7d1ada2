"""The demo's organisations and its reorganisation, recorded through analysis-svc's admin API
as an administrator would (POST /v1/organisations, /v1/nodes, /v1/reorganisations; #17)."""
import json
import re
import urllib.error
import urllib.request
from datetime import date

from suite_demo.catalogue import DIRECTORATES, ORGANISATIONS, SPLIT


class StructureNotRecorded(RuntimeError):
    """analysis-svc could not be reached or refused the structure; the message says why."""


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def requests(split: date) -> list[tuple[str, dict]]:
    """(path, body) in order: the councils, their directorates (the split one ends on the day,
    its successors start on it), then the split itself with its rule on service."""
    out = [("/v1/organisations", {"name": name, "id": slug(name)}) for name in ORGANISATIONS]
    for directorate in DIRECTORATES:
        node = {"organisation": slug(directorate.organisation), "name": directorate.name,
                "id": slug(directorate.name)}
        out.append(("/v1/nodes", node | ({"valid_to": split.isoformat()}
                                          if directorate.name == SPLIT.source else {})))
    for name, organisation in SPLIT.targets.items():
        out.append(("/v1/nodes", {"organisation": slug(organisation), "name": name,
                                  "id": slug(name), "valid_from": split.isoformat()}))
    out.append(("/v1/reorganisations", {
        "kind": "split", "effective": split.isoformat(), "sources": [slug(SPLIT.source)],
        "targets": [slug(t) for t in SPLIT.targets],
        "rule": {"field": "service", "cases": {s: slug(t) for s, t in SPLIT.by_service.items()}},
        "label": f"{SPLIT.source} split between the two new councils on "
                 f"{split:%d %B %Y}"}))
    return out


def _call(url: str, token: str, method: str, path: str, body: dict | None = None):
    request = urllib.request.Request(
        url.rstrip("/") + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as err:
        raise StructureNotRecorded(f"{method} {path}: {err.code} {err.read()[:300]!r}") from None
    except OSError as err:
        raise StructureNotRecorded(f"analysis-svc at {url}: {err}") from None


def record(url: str, token: str, today: date) -> str:
    """Record the structure unless analysis-svc has it already; says what it did."""
    known = _call(url, token, "GET", "/v1/organisations")
    if any(o["id"] == slug(ORGANISATIONS[0]) for o in known.get("organisations", [])):
        return "already recorded"
    split = SPLIT.effective(today)
    for path, body in requests(split):
        _call(url, token, "POST", path, body)
    return f"3 councils, {SPLIT.source} split on {split.isoformat()}"
