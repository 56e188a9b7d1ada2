"""`/reports/board?from=&to=`: the board report as a page (print it, or add format=pdf)."""
from datetime import date, timedelta
from flask import Blueprint, Response, abort, current_app, redirect, request, url_for

from chassis.web import error_response

from analysis_svc import read_model
from analysis_svc.adapters.pdf import PrinterBusy
from analysis_svc.domain.periods import FIRST_DAY, LAST_DAY, local_day
from analysis_svc.entrypoints.audit import audit_read, viewer_actor
from analysis_svc.entrypoints.web.auth import current_viewer, refuse_unknown_bearer
from analysis_svc.entrypoints.web.errors import page_error
from analysis_svc.reports import board
from analysis_svc.reports.render import RenderError, render_html

blp = Blueprint("reports", __name__, url_prefix="/reports")
PRINTER_RETRY_AFTER_S = 30
for _code in (400, 403, 404, 429, 503):
    blp.register_error_handler(_code, lambda err: page_error(err))


def default_period(session, scope, today: date) -> board.Period:
    """The last twelve whole months that have data (up to this month when there is none)."""
    last = read_model.latest_month(session, scope) or today.replace(day=1)
    end = (last + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    start = (last.replace(day=1) - timedelta(days=330)).replace(day=1)
    return board.Period(start, end)


def read_period(args, fallback: board.Period) -> board.Period:
    """from/to as ISO dates (both optional); a 400 page explains anything else."""
    try:
        start = date.fromisoformat(args["from"]) if args.get("from") else fallback.start
        end = date.fromisoformat(args["to"]) if args.get("to") else fallback.end
    except ValueError:
        abort(400, "Enter dates as YYYY-MM-DD, for example from=2026-01-01&to=2026-03-31.")
    if not FIRST_DAY <= start <= LAST_DAY or not FIRST_DAY <= end <= LAST_DAY:
        abort(400, f"Choose dates from {FIRST_DAY} to {LAST_DAY}.")
    if start > end or (end - start).days > 3 * 366:
        abort(400, "The start date must come before the end date, at most three years apart.")
    return board.Period(start, end)


def read_view(args) -> str:
    """view=as_was (the default) or as_now; a 400 page explains anything else."""
    view = args.get("view") or "as_was"
    if view not in ("as_was", "as_now"):
        abort(400, "Choose view=as_was (directorates as they were) or view=as_now (as they are now).")
    return view


@blp.get("/board")
def board_report():
    """The scrutiny board report for a date range (signed-in viewers; scoped like the feeds)."""
    viewer = current_viewer()
    if viewer is None:
        refuse_unknown_bearer()
        return redirect(url_for("dashboard.sign_in", next=request.full_path))
    bus = current_app.extensions["bus"]
    scope = None if viewer.scope is None else set(viewer.scope)
    view, today = read_view(request.args), local_day(bus.clock.now(), bus.settings.zone)
    with bus.sessions() as db:
        fallback = default_period(db, scope, bus.clock.now().date())
        report = board.build(db, scope, read_period(request.args, fallback), bus.settings, view,
                             today)
    if report.get("quotes"):  # the report's only record-level part: quoted comments
        audit_read("reports.board", rows=len(report["quotes"]), target="responses",
                   actor=viewer_actor())
    if request.args.get("format") != "pdf":
        return render_html(report)
    try:
        pdf = bus.pdf_printer(render_html(report, standalone=True))
    except PrinterBusy as err:
        response, status = error_response(503, str(err))
        response.headers["Retry-After"] = str(PRINTER_RETRY_AFTER_S)
        return response, status
    except RenderError as err:
        abort(503, str(err))
    name = f"board-report-{report['period'].start}-{report['period'].end}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})
