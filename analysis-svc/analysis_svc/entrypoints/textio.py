"""JSON-lines doors onto the analyser: `score` and `themes`."""
import json
from itertools import islice

from chassis.cli import CliError

MAX_TEXT = 5000


def read_items(lines):
    """Yield (id, text) from {"id","text"} JSON lines; one readable error for a bad line."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            raise CliError(f"line {number}: not valid JSON") from None
        if not isinstance(doc, dict) or "id" not in doc:
            raise CliError(f'line {number}: expected an object with "id" and "text"')
        text = doc.get("text")
        if text is not None and not isinstance(text, str):
            raise CliError(f'line {number}: "text" must be a string or null')
        if text and len(text) > MAX_TEXT:
            raise CliError(f'line {number}: "text" is longer than {MAX_TEXT} characters')
        yield doc["id"], text


def score_lines(analyser, lines, out, batch: int = 256) -> int:
    """Write {"id","label","compound","themes"} per input line, in order."""
    from analysis_svc.service_layer.ports import AnalysisItem
    items, count = read_items(lines), 0
    while chunk := list(islice(items, batch)):
        results = analyser.analyse_many([AnalysisItem(text) for _, text in chunk])
        for (item_id, _), result in zip(chunk, results):
            out.write(json.dumps({"id": item_id, "label": result.label,
                                  "compound": round(result.compound, 4),
                                  "themes": list(result.themes)}, ensure_ascii=False) + "\n")
        out.flush()
        count += len(chunk)
    return count


def theme_lines(lines, out, k: int) -> int:
    """Discover k themes and write {"id","theme","top_terms"} per input line."""
    from analysis_svc.adapters.text import discover_themes
    items = list(read_items(lines))
    if len(items) < k:
        raise CliError(f"need at least {k} texts to discover {k} themes, got {len(items)}")
    themes, assignment = _discover(discover_themes, [text or "" for _, text in items], k)
    terms = {t.id: list(t.top_terms) for t in themes}
    for (item_id, _), theme_id in zip(items, assignment):
        out.write(json.dumps({"id": item_id, "theme": theme_id,
                              "top_terms": terms.get(theme_id, [])}, ensure_ascii=False) + "\n")
    return len(items)


def _discover(discover_themes, texts, k):
    """(themes, per-text theme id) from the text adapter's discovery."""
    result = discover_themes(texts, k)
    if isinstance(result, tuple):
        return result
    return result.themes, result.assignment
