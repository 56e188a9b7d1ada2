"""The dashboard pages: overview, comments, detractor queue and (admins) comparison."""
from dataclasses import replace
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from flask_wtf.csrf import CSRFError

from analysis_svc import read_model
from analysis_svc.domain.commands import MarkFollowedUp
from analysis_svc.domain.followup import InvalidFollowUp
from analysis_svc.domain.periods import local_day, period_of, period_start
from analysis_svc.domain.ticket_links import ticket_link
from analysis_svc.entrypoints.audit import audit_read, viewer_actor
from analysis_svc.entrypoints.web import presenters
from analysis_svc.entrypoints.web.auth import current_viewer, signed_in
from analysis_svc.entrypoints.web.choices import read_choice, read_view
from analysis_svc.entrypoints.web.errors import page_error
from analysis_svc.read_model import structure_views
from analysis_svc.read_model.followups import stored_directorate_in_view
from analysis_svc.read_model.structure_records import directorates_now
from analysis_svc.service_layer.handlers import NotFound

blp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates",
                static_folder="static", static_url_path="/static")


@blp.before_request
def _check_csrf():
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        current_app.extensions["csrf"].protect()


for _code in (CSRFError, 403, 404, 429):
    blp.register_error_handler(_code, lambda err: page_error(err))


def _bus():
    return current_app.extensions["bus"]


def _filters(choice) -> read_model.Filters:
    s = _bus().settings
    return read_model.Filters(period=choice.period, start=choice.start, end=choice.end,
                           directorate=choice.directorate, min_cell=s.min_cell_size,
                           alpha=s.alpha, trend_periods=s.trend_periods)


def _scope():
    scope = current_viewer().scope
    return None if scope is None else set(scope)


def _today():
    return local_day(_bus().clock.now(), _bus().settings.zone)


def _names(db, args) -> list[str]:
    """The directorates to choose from, in the page's view (#17: today's names "as now")."""
    if read_view(args)[0] == "as_now":
        names = directorates_now(db, _scope(), _today())
        if names is not None:
            return names
    return read_model.directorates_in_view(db, _scope())


def _marked(db, scope, kind: str, periods: list[str]) -> list[dict]:
    """The reorganisations inside a chart's periods, each with the period it falls in."""
    if not periods:
        return []
    first, last = _span(kind, periods)
    return [m | {"period": period_of(kind, date.fromisoformat(m["date"]))}
            for m in structure_views.markers(db, scope, _today(), first, last)]


@blp.get("")
@signed_in
def overview():
    """Satisfaction, sentiment, response rate, themes and findings for one selection."""
    settings = _bus().settings
    with _bus().sessions() as db:
        scope, names = _scope(), _names(db, request.args)
        choice = read_choice(request.args, names)
        filters, view, today = _filters(choice), choice.view, _today()
        rows = structure_views.trends(db, scope, replace(filters, group_by=()), view, today)
        periods = [r["period"] for r in rows]
        themes = presenters.theme_series(
            structure_views.theme_periods(db, scope, filters, view, today) if periods else None,
            periods)
        tested, family = structure_views.changes(db, scope, filters, view, today)
        found = presenters.findings(tested, "All directorates", choice.period)
        loop = read_model.closure(
            db, scope, *_span(choice.period, periods), choice.directorate, settings.min_cell_size,
            settings.zone, view, today) if rows else None
        odd = read_model.disagreements(db, scope, choice.directorate, choice.start, choice.end,
                                       settings.zone, view=view, today=today)
        marked = _marked(db, scope, choice.period, periods)
        failing = read_model.failing_write_backs(db, scope, choice.directorate)
    if odd:  # the overview's only record-level part: answers with their comments
        audit_read("dashboard.disagreements", rows=len(odd), target="responses", actor=viewer_actor())
    return render_template("dashboard_overview.html", choice=choice, names=names, rows=rows,
                           themes=themes, findings=found, loop=loop, p=presenters,
                           fdr=presenters.fdr_text(family, filters.alpha), disagreements=odd,
                           failing_write_backs=failing, markers=marked)


def _span(kind: str, periods: list[str]):
    """First and last day covered by the periods shown."""
    last = period_start(kind, periods[-1])
    end = last + timedelta(days=6) if kind == "week" else (last + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return period_start(kind, periods[0]), end


@blp.get("/comments")
@signed_in
def comments():
    """Redacted comments, filterable by theme, score, sentiment, service and date."""
    a = request.args
    errors = {}
    score = a.get("score") or None
    if score and score not in {"1", "2", "3", "4", "5"}:
        errors["score"], score = "Choose a score from 1 to 5", None
    label = a.get("sentiment") or None
    if label and label not in {"negative", "neutral", "positive"}:
        errors["sentiment"], label = "Choose negative, neutral or positive", None
    with _bus().sessions() as db:
        names = _names(db, a)
        choice = read_choice(a, names)
        f = read_model.ResponseFilters(start=choice.start, end=choice.end, directorate=choice.directorate,
                                    service=a.get("service") or None, theme=a.get("theme") or None,
                                    label=label, min_score=int(score) if score else None,
                                    max_score=int(score) if score else None, with_comment=True,
                                    zone=_bus().settings.zone, view=choice.view, today=_today())
        try:
            page = read_model.responses_page(db, _scope(), f, a.get("cursor") or None, limit=25)
        except read_model.BadCursor:
            errors["cursor"], page = "That page link is out of date", {"items": [], "next_cursor": None}
    audit_read("dashboard.comments", rows=len(page["items"]), target="responses", actor=viewer_actor())
    next_url = page["next_cursor"] and url_for(
        ".comments", **{k: v for k, v in a.items() if k != "cursor"}, cursor=page["next_cursor"])
    return render_template("dashboard_comments.html", choice=choice, names=names, page=page,
                           errors=errors, args=a, p=presenters, next_url=next_url)


@blp.get("/detractors")
@signed_in
def detractors():
    """The detractor queue and recent follow-ups."""
    with _bus().sessions() as db:
        names = _names(db, request.args)
        choice = read_choice(request.args, names)
        view = {"view": choice.view, "today": _today(), "zone": _bus().settings.zone}
        waiting = read_model.detractor_queue(db, _scope(), choice.directorate, **view)
        done = read_model.detractor_queue(db, _scope(), choice.directorate, done=True, limit=20,
                                          **view)
        trail = read_model.trail_for(db, _scope(), [c["response_id"] for c in waiting + done])
    audit_read("dashboard.detractors", rows=len(waiting) + len(done), target="responses",
               actor=viewer_actor())
    links = _bus().settings.ticket_links
    return render_template("dashboard_detractors.html", choice=choice, names=names,
                           waiting=waiting, done=done, p=presenters, trail=trail,
                           ticket_link=lambda ticket_id: ticket_link(ticket_id, links))


@blp.post("/detractors/<response_id>/follow-up")
@signed_in
def follow_up(response_id: str):
    """Mark one detractor followed up, with a note."""
    viewer = current_viewer()
    try:
        _bus().handle(MarkFollowedUp(response_id, request.form.get("note", ""), viewer.name,
                                     _follow_up_scope(viewer.scope, response_id)))
    except NotFound:
        abort(404)
    except InvalidFollowUp as err:
        flash(str(err), "error")
        return redirect(url_for(".detractors", **_kept(request.form)) + f"#case-{response_id}")
    flash("Marked as followed up.", "success")
    return redirect(url_for(".detractors", **_kept(request.form)))


def _follow_up_scope(scope, response_id: str):
    """The scope a follow-up is checked against: in "as now", a predecessor's answer the queue
    showed this viewer under today's directorate counts too (never one they cannot read)."""
    if scope is None or request.form.get("view") != "as_now":
        return scope
    with _bus().sessions() as db:
        stored = stored_directorate_in_view(
            db, response_id, scope, "as_now", _today(), _bus().settings.zone)
    return scope if stored is None else frozenset(scope | {stored})


def _kept(form) -> dict:
    """The queue's directorate and view, back after a follow-up."""
    return {"directorate": form.get("directorate") or None,
            "view": "as_now" if form.get("view") == "as_now" else None}


@blp.get("/compare")
@signed_in
def compare():
    """Admins: directorates side by side, period by period."""
    if not current_viewer().is_admin:
        abort(403)
    with _bus().sessions() as db:
        names = _names(db, request.args)
        chosen = [n for n in request.args.getlist("directorate") if n in names][:4] or names[:2]
        choice = read_choice({k: v for k, v in request.args.items() if k != "directorate"}, names)
        filters, view, today = replace(_filters(choice), directorate=None), choice.view, _today()
        rows = [r for r in structure_views.trends(db, None, filters, view, today)
                if r["directorate"] in chosen]
        summary = [r for r in structure_views.summary(db, None, filters, view, today)
                   if r["directorate"] in chosen]
        marked = _marked(db, None, choice.period, sorted({r["period"] for r in rows}))
    periods = sorted({r["period"] for r in rows})
    grid = {(r["directorate"], r["period"]): r for r in rows}
    chart_data = {"labels": periods, "series": [
        {"label": d, "values": [(grid.get((d, x)) or {}).get("csat") for x in periods], "percent": True}
        for d in chosen]}
    return render_template("dashboard_compare.html", choice=choice, names=names, chosen=chosen,
                           periods=periods, grid=grid, summary=summary, p=presenters, chart_data=chart_data,
                           markers=marked)
