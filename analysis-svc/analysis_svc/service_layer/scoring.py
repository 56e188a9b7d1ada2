"""Apply one batch of decoded events: store each response once (latest version), roll it up, alert."""
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo

from contracts.envelope import Envelope, make_envelope

from analysis_svc.domain.alerts import detractor_alert_id, is_detractor, stable_event_id
from analysis_svc.domain.periods import local_day, periods_of_day
from analysis_svc.service_layer.drops import find_drops
from analysis_svc.domain.erased import ERASED_COMMENT
from analysis_svc.service_layer.ports import AnalysisItem, TextAnalysis
from analysis_svc.service_layer.rollups import Deltas

PRODUCER = "analysis-svc"
RESPONSE_EVENTS = {"response.submitted", "response.amended"}


@dataclass(frozen=True)
class Policy:
    min_cell: int = 5
    alpha: float = 0.05
    detractor_compound: float = -0.6
    zone: tzinfo = timezone.utc  # weeks and months are cut at midnight here


@dataclass
class Outcome:
    """What a batch produced: events to publish, and (text, score) pairs to learn from."""

    events: list[Envelope] = field(default_factory=list)
    learn: list[tuple[str, int]] = field(default_factory=list)
    stored: int = 0
    duplicates: int = 0
    owners: dict[str, tuple] = field(default_factory=dict)  # response_id -> (subject, submitted_at)
    deltas: Deltas | None = None  # what the batch adds to the rollup cells (roll_up applies it)


TRAIL_EVENTS = ("writeback.", "ticket.followed_up")  # survey-svc's write-back, the team's reply


def handle_events(repo, envelopes: list[Envelope], analyser, policy: Policy,
                  now: datetime, readings: dict | None = None, ticket_trail=None) -> Outcome:
    """Apply a batch of decoded events inside the caller's transaction, all but the rollups:
    roll_up(repo, outcome, ...) adds those, last before the commit."""
    outcome = Outcome()
    fresh = _fresh(repo, envelopes)
    outcome.duplicates = len(envelopes) - len(fresh)
    deltas = Deltas(policy.zone)
    for env in fresh:
        if env.event_type.startswith("invitation."):
            _record_invitation(repo, env, deltas)
        elif env.event_type.startswith(TRAIL_EVENTS) and ticket_trail is not None:
            ticket_trail.record(env.event_type, env.data)
    _store_responses(repo, [e for e in fresh if e.event_type in RESPONSE_EVENTS], analyser,
                     policy, now, deltas, outcome, readings or {})
    repo.mark_processed([e.event_id for e in fresh], now)
    outcome.deltas = deltas
    return outcome


def roll_up(repo, outcome: Outcome, policy: Policy, now: datetime) -> list[Envelope]:
    """Add the batch's deltas to the rollup cells; the drop alerts they make significant.

    The cells are the rows every consumer process updates (a directorate's weeks and months),
    so the caller does this last, just before its commit: a cell's row lock then lasts the
    upsert, one sums query and the commit, not the batch's analysis and publishing, and a
    second process waits that long at most (it waited for the other's whole batch before)."""
    deltas = outcome.deltas
    if deltas is None:
        return []
    repo.apply(deltas)
    touched = {(key[0], key[3], key[4]) for key in deltas.cells}
    return [make_envelope("alert.significant_drop", data, PRODUCER, event_id=event_id)
            for event_id, data in find_drops(repo, touched, min_cell=policy.min_cell,
                                             alpha=policy.alpha, now=now)]


def _fresh(repo, envelopes: list[Envelope]) -> list[Envelope]:
    """Events not seen before (inbox) and not repeated within the batch."""
    seen = repo.seen(sorted({e.event_id for e in envelopes}))
    out = []
    for env in envelopes:
        if env.event_id not in seen:
            seen.add(env.event_id)
            out.append(env)
    return out


def _record_invitation(repo, env: Envelope, deltas: Deltas) -> None:
    data, step = env.data, env.event_type.split(".", 1)[1]
    row = {"invitation_id": data["invitation_id"], "ticket_id": data["ticket_id"],
           "directorate": data["directorate"], "service": data.get("service") or "",
           "team": data.get("team") or "", "category": data.get("category"), "status": step,
           "requester_name": data.get("requester_name") if step == "created" else None,
           "created_at": data["at"] if step == "created" else None,
           "sent_at": data["at"] if step == "sent" else None}
    if repo.upsert_invitation(row):
        deltas.add_invitation(data["directorate"], data.get("service"), data.get("team"),
                              data["at"])


def _store_responses(repo, envelopes, analyser, policy, now, deltas, outcome, readings) -> None:
    latest: dict[str, dict] = {}
    for env in envelopes:
        data = env.data
        kept = latest.get(data["response_id"])
        if kept is None or data["version"] > kept["version"]:
            latest[data["response_id"]] = data
    stored = repo.responses_by_id(list(latest))
    todo = [d for rid, d in sorted(latest.items())
            if rid not in stored or d["version"] > stored[rid]["version"]]
    if not todo:
        return
    comments = [_comment(d) for d in todo]  # once each: four uses below
    recorded = [None if text else readings.get((d["response_id"], d["version"]))
                for d, text in zip(todo, comments)]
    names = repo.requester_names([d.get("invitation_id") for d in todo])
    fresh = iter(analyser.analyse_many([
        AnalysisItem(text, names.get(d.get("invitation_id")), d["score"])
        for d, text, reading in zip(todo, comments, recorded) if reading is None]))
    analyses = [reading or next(fresh) for reading in recorded]
    new_rows, changed, detractors = [], [], []
    for data, text, analysis, reading in zip(todo, comments, analyses, recorded):
        old = stored.get(data["response_id"])
        row = _with_answers(_row(data, analysis, now, policy.zone,
                                 commented=bool(text) or reading is not None), data, old)
        outcome.owners[row["response_id"]] = (row["subject"], row["submitted_at"])
        (changed if old else new_rows).append(row)
        deltas.replace_response(old, row)
        outcome.events.append(_scored(row))
        if _flagged(row, policy) and not _flagged(old, policy):
            detractors.append(row)
        if text:
            outcome.learn.append((row["redacted_comment"] or "", data["score"]))
    repo.save_responses(new_rows, changed)
    claimed = repo.claim_alerts([(detractor_alert_id(r["response_id"]), "detractor",
                                  r["directorate"]) for r in detractors], now)
    outcome.events.extend(_detractor(r, now) for r in detractors
                          if detractor_alert_id(r["response_id"]) in claimed)
    outcome.stored = len(todo)


def _comment(data: dict) -> str | None:
    text = (data.get("comment") or "").strip()
    return text or None


def recorded_reading(scored: dict) -> TextAnalysis:
    """What a response.scored event recorded, for an answer whose comment can no longer be
    opened: its figures exactly as they were, its text a placeholder (counted as commented)."""
    return TextAnalysis(scored["label"], scored["compound"], list(scored.get("themes") or []),
                        ERASED_COMMENT, bool(scored.get("disagreement")))


def _row(data: dict, analysis, now: datetime, zone: tzinfo, commented: bool) -> dict:
    """The stored row; `commented`: it has a comment, or a recorded reading of one."""
    redacted = analysis.redacted if commented else None
    periods = {kind: period for kind, period, _ in
               periods_of_day(local_day(data["submitted_at"], zone))}
    return {
        "response_id": data["response_id"], "version": data["version"],
        "invitation_id": data.get("invitation_id"), "ticket_id": data.get("ticket_id"),
        "directorate": data["directorate"], "service": data.get("service") or "",
        "team": data.get("team") or "", "category": data.get("category"),
        "channel": data["channel"], "source": data.get("source"), "language": data.get("language"),
        "score": data["score"], "resolved": data.get("resolved"), "redacted_comment": redacted,
        "label": analysis.label, "compound": max(-1.0, min(1.0, float(analysis.compound))),
        "themes": list(analysis.themes or []), "disagreement": bool(analysis.disagreement),
        "submitted_at": data["submitted_at"], "week": periods["week"],
        "month": periods["month"], "updated_at": now, "subject": data.get("subject"),
    }


def _with_answers(row: dict, data: dict, old: dict | None) -> dict:
    """The question set's answers; an amendment answering none of them (an email reply adding a
    comment) keeps the earlier ones."""
    answers = list(data.get("answers") or [])
    if not answers and old is not None and old.get("answers"):
        return row | {k: old.get(k) for k in ("question_set", "answers", "nps", "ces")}
    values = {a["question_id"]: a["value"] for a in answers}
    return row | {"question_set": data.get("question_set"), "answers": answers or None,
                  "nps": _scale(values.get("nps"), 0, 10), "ces": _scale(values.get("ces"), 1, 7)}


def _scale(value, low: int, high: int) -> int | None:
    """A point on the scale, or None (a value out of range is kept in answers, not counted)."""
    return value if type(value) is int and low <= value <= high else None


def _public(row: dict) -> dict:
    return {"directorate": row["directorate"], "service": row["service"] or None,
            "category": row["category"], "team": row["team"] or None}


# The outgoing events below are built field by field from a stored row whose every value came
# from a validated incoming event or from the analyser (label from LABELS, compound clamped to
# [-1, 1], themes a list of ids), so they skip make_envelope's load (10-15 us each, a tenth of the
# consumer's CPU); tests/unit/analysis/test_analysis_emitted_events.py checks they pass the schema.
def _scored(row: dict) -> Envelope:
    data = _public(row) | {k: row[k] for k in (
        "response_id", "invitation_id", "version", "score", "submitted_at", "label", "compound",
        "themes", "disagreement")} | {"redacted_comment": (row["redacted_comment"] or None)
                                      and row["redacted_comment"][:2000]}
    return make_envelope("response.scored", data, PRODUCER, validate=False,
                          event_id=stable_event_id("scored", row["response_id"], str(row["version"])))


def _flagged(row: dict | None, policy: Policy) -> bool:
    return row is not None and is_detractor(row["score"], row["compound"],
                                            bool(row.get("redacted_comment")),
                                            policy.detractor_compound)


def _detractor(row: dict, now: datetime) -> Envelope:
    alert_id = detractor_alert_id(row["response_id"])
    data = _public(row) | {"alert_id": alert_id, "response_id": row["response_id"],
                           "score": row["score"], "label": row["label"],
                           "compound": row["compound"], "raised_at": now,
                           "redacted_comment": (row["redacted_comment"] or None)
                           and row["redacted_comment"][:2000]}
    return make_envelope("alert.detractor", data, PRODUCER, validate=False,
                          event_id=stable_event_id("alert", alert_id))
