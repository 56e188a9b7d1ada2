"""Read and check the question sets file; pick the set for a ticket; look one up by reference."""
import json
from pathlib import Path

from contracts.organisations import is_organisation_id

from contracts.questions import (KINDS, LANGUAGES, MAX_CUSTOM, RESERVED_IDS, SCALES, _ID, Option,
                                 Question, QuestionSet, QuestionSetError)


def _labels(where: str, raw) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{where}: label must be an object of language: text")
    for language, text in raw.items():
        if language not in LANGUAGES:
            raise QuestionSetError(f"{where}: unknown language {language!r} "
                                   f"(known: {', '.join(LANGUAGES)})")
        if not isinstance(text, str) or not text.strip():
            raise QuestionSetError(f"{where}: empty label ({language})")
    for language in LANGUAGES:
        if language not in raw:
            raise QuestionSetError(f"{where}: label missing for language {language!r}")
    return {language: raw[language].strip() for language in LANGUAGES}


def _unique(where: str, ids: list[str], what: str) -> None:
    seen = set()
    for item in ids:
        if item in seen:
            raise QuestionSetError(f"{where}: duplicate {what} id {item!r}")
        seen.add(item)


def _question(where: str, raw) -> Question:
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{where}: a question must be an object")
    qid, kind = raw.get("id"), raw.get("type")
    if not isinstance(qid, str) or not _ID.match(qid) or qid in RESERVED_IDS:
        raise QuestionSetError(f"{where}: bad question id {qid!r} (lower-case letters, digits "
                               f"and _, not one of {sorted(RESERVED_IDS)})")
    where = f"{where} question {qid!r}"
    if kind not in KINDS:
        raise QuestionSetError(f"{where}: unknown type {kind!r} (known: {', '.join(KINDS)})")
    if kind in SCALES and qid != kind:
        raise QuestionSetError(f"{where}: a {kind} question must have the id {kind!r}")
    options = ()
    if kind == "choice":
        raw_options = raw.get("options")
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            raise QuestionSetError(f"{where}: a choice question needs at least two options")
        options = tuple(_option(where, item) for item in raw_options)
        _unique(where, [o.id for o in options], "option")
    return Question(qid, kind, _labels(where, raw.get("label")), options)


def _option(where: str, raw) -> Option:
    oid = raw.get("id") if isinstance(raw, dict) else None
    if not isinstance(oid, str) or not _ID.match(oid):
        raise QuestionSetError(f"{where}: bad option id {oid!r}")
    return Option(oid, _labels(f"{where} option {oid!r}", raw.get("label")))


def parse_set(raw) -> QuestionSet:
    """One set from its JSON form, or QuestionSetError naming the problem."""
    if not isinstance(raw, dict):
        raise QuestionSetError("a question set must be an object")
    name, version = raw.get("name"), raw.get("version")
    if not isinstance(name, str) or not _ID.match(name.replace("-", "_")):
        raise QuestionSetError(f"bad question set name {name!r}")
    if type(version) is not int or version < 1:
        raise QuestionSetError(f"question set {name!r}: version must be a whole number >= 1")
    where = f"question set {name}@{version}"
    directorate, service = raw.get("directorate"), raw.get("service")
    if not isinstance(directorate, str) or not directorate.strip():
        raise QuestionSetError(f"{where}: directorate is required")
    if service is not None and (not isinstance(service, str) or not service.strip()):
        raise QuestionSetError(f"{where}: service must be a name or null")
    organisation = raw.get("organisation")
    if organisation is not None and not is_organisation_id(organisation):
        raise QuestionSetError(f"{where}: organisation must be an organisation id (letters, "
                               f"digits, '.', '_', '-') or null, got {organisation!r}")
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise QuestionSetError(f"{where}: questions must be a non-empty list")
    ids = [q.get("id") if isinstance(q, dict) else None for q in raw_questions]
    _unique(where, [i for i in ids if isinstance(i, str)], "question")
    questions = tuple(_question(where, q) for q in raw_questions)
    custom = [q for q in questions if q.type not in SCALES]
    if len(custom) > MAX_CUSTOM:
        raise QuestionSetError(f"{where}: at most {MAX_CUSTOM} custom questions, "
                               f"{len(custom)} given")
    return QuestionSet(name, version, directorate, service, questions, organisation)


class Catalogue:
    """Every version of every set: pick the newest for a ticket, find any by its reference."""

    def __init__(self, sets=()):
        self._by_ref = {}
        for qset in sets:
            if qset.reference in self._by_ref:
                raise QuestionSetError(f"question set {qset.reference}: defined twice")
            self._by_ref[qset.reference] = qset

    def __len__(self) -> int:
        return len(self._by_ref)

    def get(self, ref: str | None) -> QuestionSet | None:
        return self._by_ref.get(ref) if ref else None

    def for_ticket(self, directorate: str, service: str | None,
                   organisation: str | None = None) -> QuestionSet | None:
        """The newest version of the most specific set for the ticket: organisation, directorate
        and service; then organisation and directorate; then directorate and service; then
        directorate alone. A set naming an organisation serves only that organisation's tickets."""
        fits = [s for s in self._by_ref.values() if s.directorate == directorate
                and s.service in (None, service) and s.organisation in (None, organisation)]
        if not fits:
            return None
        newest = max(fits, key=lambda s: (s.organisation is not None, s.service is not None,
                                          s.version))
        return max((s for s in fits if s.name == newest.name), key=lambda s: s.version)


def parse_catalogue(raw) -> Catalogue:
    if not isinstance(raw, dict) or not isinstance(raw.get("sets"), list):
        raise QuestionSetError('the question sets file must be {"sets": [...]}')
    return Catalogue(parse_set(item) for item in raw["sets"])


def load_catalogue(path: str | None) -> Catalogue:
    """The file's sets (an empty catalogue without a file: everyone gets the default questions)."""
    if not path:
        return Catalogue()
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QuestionSetError(f"question sets file {path}: {exc}") from None
    return parse_catalogue(raw)
