"""Record-level feeds: redacted responses (paginated) and the CSV export, each "as it was" or
"as it is now" (`view`: the directorate column and filter in today's structure, #17)."""
import csv
import io

from flask import Response, g, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from analysis_svc import read_model
from analysis_svc.domain.periods import local_day
from analysis_svc.entrypoints.api.auth import bus, check_directorate, require_token
from analysis_svc.entrypoints.api.schemas import PageArgs, ResponseArgs, ResponsePageSchema
from analysis_svc.entrypoints.audit import audit_read, feed_actor

blp = Blueprint("records", __name__, url_prefix="/v1", description="Redacted responses")
blp.before_request(require_token)
_NOT_FILTERS = {"cursor", "limit"}


def _filters(args: dict) -> read_model.ResponseFilters:
    check_directorate(args.get("directorate"))
    zone = bus().settings.zone
    return read_model.ResponseFilters(**{k: v for k, v in args.items() if k not in _NOT_FILTERS},
                                   zone=zone, today=local_day(bus().clock.now(), zone))


def _sessions():
    return bus().sessions


@blp.route("/responses")
class Responses(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.arguments(PageArgs, location="query", unknown=RAISE)
    @blp.response(200, ResponsePageSchema)
    def get(self, args):
        """Redacted responses, newest first; follow next_cursor for the next page."""
        filters = _filters(args)
        with _sessions()() as session:
            try:
                page = read_model.responses_page(session, g.scope, filters, args.get("cursor"),
                                                 args["limit"])
            except read_model.BadCursor as err:
                abort(400, message=str(err), messages={"query": {"cursor": [str(err)]}})
        audit_read("responses.list", rows=len(page["items"]), target="responses", actor=feed_actor())
        return page


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    text = str(value)
    # Spreadsheets run cells starting with these as formulas (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


@blp.route("/export.csv")
class Export(MethodView):
    @blp.doc(security=[{"bearerAuth": []}], responses={200: {
        "description": "UTF-8 CSV with a byte-order mark; stable columns: "
                       + ", ".join(read_model.EXPORT_COLUMNS),
        "content": {"text/csv": {"schema": {"type": "string"}}}}})
    @blp.arguments(ResponseArgs, location="query", unknown=RAISE)
    def get(self, args):
        """Every matching redacted response as CSV (Excel-ready), newest first."""
        filters, scope, sessions = _filters(args), g.scope, _sessions()
        actor = feed_actor()

        def rows():
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(read_model.EXPORT_COLUMNS)
            yield "\ufeff" + buffer.getvalue()
            sent = 0
            try:
                with sessions() as session:
                    for row in read_model.iter_export(session, scope, filters):
                        buffer.seek(0)
                        buffer.truncate()
                        writer.writerow([_cell(row[c]) for c in read_model.EXPORT_COLUMNS])
                        yield buffer.getvalue()
                        sent += 1
            finally:  # what actually went out, even when the download was cut short
                audit_read("responses.export", rows=sent, target="responses", actor=actor)

        return Response(stream_with_context(rows()), mimetype="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="responses.csv"'})
