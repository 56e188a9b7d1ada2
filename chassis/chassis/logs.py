"""JSON log lines on stderr; callers never log personal data."""
import logging
import sys
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

from chassis import tracing

# The id of the request (or of the consumed message's request) being handled, for log lines
# and for the headers of what it publishes (chassis.access_log sets it, chassis.kafka reads it).
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)


class _ServiceFilter(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        request_id = REQUEST_ID.get()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        ids = tracing.current_ids()
        if ids is not None:
            record.trace_id, record.span_id = ids
        return True


def configure_logging(service: str, level: str = "INFO", stream=None) -> None:
    """Every logger's lines as JSON on stderr (or `stream`), tagged with the service and the
    request id; and traces, when the OTEL_* variables configure an exporter (chassis.tracing)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    handler.addFilter(_ServiceFilter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("kafka").setLevel(logging.WARNING)
    # Werkzeug's request lines carry the full path, and survey links carry their token in it
    # (the request log is chassis.web's, with the route template instead)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # aiosmtpd (ingest's reply listener) logs every envelope address and command at INFO
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    tracing.configure_tracing(service)
