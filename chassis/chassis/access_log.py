"""Per request: its id (X-Request-ID), its server span and one JSON access-log line.

The line names the route template (`/s/<token>`), never the path or query, so survey tokens,
search terms and email addresses stay out; no header is logged (Authorization included).
"""
import logging
import re
import time
import uuid

from flask import Flask, g, request

from chassis import tracing
from chassis.logs import REQUEST_ID

log = logging.getLogger("chassis.access")
HEADER = "X-Request-ID"
UNMATCHED = "unmatched"
# A caller's id is kept only when it cannot smuggle anything into a log line or a header.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}\Z")


def request_id(given: str | None) -> str:
    """The caller's id when short and plain, else a fresh one."""
    if given and _SAFE_ID.match(given):
        return given
    return uuid.uuid4().hex


def route_of() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED


def install_access_log(app: Flask) -> None:
    """Request ids, server spans and the access log for every request of `app`."""

    @app.before_request
    def begin():
        rid = request_id(request.headers.get(HEADER))
        span = None
        if tracing.enabled():  # off: not even the span's name and attributes are built
            method, route = request.method, route_of()
            span = tracing.start_server_span(f"{method} {route}", request.headers, **{
                "http.request.method": method, "http.route": route})
        g.access = (time.perf_counter(), rid, REQUEST_ID.set(rid), span)

    @app.after_request
    def finish(response):
        started, rid, _, _ = g.get("access") or (None, request_id(None), None, None)
        response.headers[HEADER] = rid
        g.access_status = response.status_code
        log.info("request", extra={
            "method": request.method, "route": route_of(), "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "request_id": rid})
        return response

    @app.teardown_request
    def end(error):
        access = g.pop("access", None)
        if access is None:
            return
        _, _, token, handle = access
        tracing.end_server_span(handle, g.pop("access_status", None), error)
        REQUEST_ID.reset(token)
