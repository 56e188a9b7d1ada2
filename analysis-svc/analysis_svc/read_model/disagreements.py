"""Answers whose score and comment disagree: where a wrong click or a sarcastic comment hides."""
from datetime import date, tzinfo

from analysis_svc.domain.periods import UTC
from analysis_svc.read_model.responses import ResponseFilters, responses_page


def disagreements(session, scope: set[str] | None, directorate: str | None = None,
                  start: date | None = None, end: date | None = None, zone: tzinfo = UTC,
                  limit: int = 10, view: str | None = None,
                  today: date | None = None) -> list[dict]:
    """The newest redacted answers flagged by the analyser (a 4-5 with a strongly negative
    comment, a 1-2 with a strongly positive one), scoped like every read, in a structure view."""
    filters = ResponseFilters(start=start, end=end, directorate=directorate, disagreement=True,
                              with_comment=True, zone=zone, view=view, today=today)
    return responses_page(session, scope, filters, limit=limit)["items"]
