"""The benchmark baseline: what a first attempt at the consumer would do, one message at a time."""
from datetime import datetime, timezone

from sqlalchemy import select, update

from contracts.envelope import decode
from contracts.errors import InvalidEvent

from analysis_svc.adapters.orm import metadata, responses, rollups
from analysis_svc.domain.periods import KINDS, month_of, period_of, period_start, week_of

processed_events = metadata.tables["event_inbox"]


def handle_one(services, analyser, value: bytes, directorate: str) -> int:
    try:
        env = decode(value)
    except InvalidEvent:
        return 0
    d = env.data
    if env.event_type != "response.submitted" or d["directorate"] != directorate:
        return 0
    result = analyser.analyse(d.get("comment"), score=d["score"])
    now = datetime.now(timezone.utc)
    with services.sessions() as session, session.begin():
        if session.execute(select(processed_events.c.event_id).where(
                processed_events.c.event_id == env.event_id)).first() or session.execute(select(responses.c.version).where(
                responses.c.response_id == d["response_id"])).first():
            return 0
        session.execute(responses.insert().values(
            response_id=d["response_id"], version=d["version"], invitation_id=d.get("invitation_id"),
            directorate=d["directorate"], service=d.get("service") or "", team=d.get("team") or "",
            channel=d["channel"], score=d["score"], redacted_comment=result.redacted,
            label=result.label, compound=result.compound, themes=result.themes,
            disagreement=result.disagreement, submitted_at=d["submitted_at"],
            week=week_of(d["submitted_at"]), month=month_of(d["submitted_at"]), updated_at=now))
        for kind in KINDS:
            period = period_of(kind, d["submitted_at"])
            key = dict(directorate=d["directorate"], service=d.get("service") or "",
                       team=d.get("team") or "", period_kind=kind, period=period)
            row = session.execute(select(rollups).where(*[rollups.c[k] == v for k, v in key.items()])).first()
            if row is None:
                session.execute(rollups.insert().values(
                    **key, period_start=period_start(kind, period), responses=0, invited_responses=0,
                    invitations=0, satisfied=0, detractors=0, score_sum=0, sentiment_sum=0.0, commented=0))
            session.execute(update(rollups).where(*[rollups.c[k] == v for k, v in key.items()]).values(
                responses=rollups.c.responses + 1, score_sum=rollups.c.score_sum + d["score"],
                satisfied=rollups.c.satisfied + int(d["score"] >= 4)))
        session.execute(processed_events.insert().values(event_id=env.event_id, seen_at=now))
    return 1
