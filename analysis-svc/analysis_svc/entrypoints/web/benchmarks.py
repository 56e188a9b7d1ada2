"""The benchmarking page (#17): the viewer's organisations per service beside their peers."""
from flask import abort, current_app, g, render_template, request

from analysis_svc.adapters.structure_repository import load_structure
from analysis_svc.domain.benchmarks import MIN_ANSWERS, MIN_PEERS
from analysis_svc.domain.periods import local_day
from analysis_svc.entrypoints.web import presenters
from analysis_svc.entrypoints.web.auth import signed_in
from analysis_svc.entrypoints.web.views import blp
from analysis_svc.read_model.benchmarks import BenchmarkFilters, benchmarks

MONTHS = (3, 6, 12, 24)


@blp.get("/benchmarks")
@signed_in
def benchmarks_page():
    """Satisfied (%) per service beside the other organisations' median and quartiles."""
    mine = g.organisations  # set with the viewer (None: an admin; empty: directorates only)
    if mine is not None and not mine:
        abort(403, "Benchmarking compares organisations; your access is for directorates only.")
    months = request.args.get("months", type=int)
    months = months if months in MONTHS else 12
    bus = current_app.extensions["bus"]
    with bus.sessions() as db:
        names = {o.id: o.name for o in load_structure(db).organisations.values()}
        offered = sorted(names if mine is None else set(mine) & set(names), key=names.get)
        asked = request.args.get("organisation") or None
        whose = {asked} if asked in offered else (None if mine is None else set(mine))
        rows = benchmarks(db, whose, BenchmarkFilters(months=months),
                          local_day(bus.clock.now(), bus.settings.zone))
    by_org: dict[str, list[dict]] = {}
    for row in rows:
        by_org.setdefault(row["organisation"], []).append(row)
    return render_template("dashboard_benchmarks.html", by_org=by_org, names=names,
                           offered=offered, asked=asked if asked in offered else None,
                           months=months, choices=MONTHS, p=presenters,
                           min_answers=MIN_ANSWERS, min_peers=MIN_PEERS)
