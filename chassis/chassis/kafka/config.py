"""What publisher and consumer share: settings for librdkafka, quiet logs, Record, PublishError."""
import logging
import time
from dataclasses import dataclass

from chassis import tracing
from chassis.kafka.security import KafkaSecurity, kafka_security
from chassis.logs import REQUEST_ID


class _NoConnectFailures(logging.Filter):
    """Drop librdkafka's line per failed connection attempt (several a second while a broker
    is down): publishers raise PublishError and consumers log the error events instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("FAIL ")


# librdkafka's own log lines, served on poll; they never carry payloads.
LIBRDKAFKA_LOG = logging.getLogger("chassis.kafka.librdkafka")
LIBRDKAFKA_LOG.addFilter(_NoConnectFailures())
_WARNING = 4  # syslog level: librdkafka does not even format anything chattier


log = logging.getLogger("chassis.kafka")
# a broker that is down or restarting: PublishError and readiness report it, no warning needed
_CONNECTIVITY = frozenset({"_TRANSPORT", "_ALL_BROKERS_DOWN", "_RESOLVE"})


class BrokerErrors:
    """librdkafka's client-level errors (error_cb): a wrong password or an untrusted certificate
    is logged once a minute, not once per reconnect, and the last error names the cause of a
    PublishError (the message itself only says it timed out)."""

    __slots__ = ("client_id", "last", "_logged", "_logged_at")

    def __init__(self, client_id: str):
        self.client_id, self.last = client_id, None
        self._logged, self._logged_at = None, 0.0

    def __call__(self, err) -> None:
        self.last = err
        name, now = err.name(), time.monotonic()
        if err.fatal() or (name not in _CONNECTIVITY
                           and (name != self._logged or now - self._logged_at > 60)):
            self._logged, self._logged_at = name, now
            log.warning("kafka client error: %s", err.str(),
                        extra={"client_id": self.client_id, "error": name})

    def describe(self) -> str:
        """' (last broker error: ...)' or nothing."""
        return "" if self.last is None else f" (last broker error: {self.last.name()}: {self.last.str()})"


class PublishError(Exception):
    """The broker did not confirm a message."""


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes
    timestamp_ms: int = 0
    headers: tuple | None = None  # ((name, bytes), ...) as sent: request id, trace context


REQUEST_ID_HEADER = "x-request-id"


def outgoing_headers() -> list | None:
    """Headers for what is published now: the request's id and the current trace context."""
    headers = []
    request_id = REQUEST_ID.get()
    if request_id is not None:
        headers.append((REQUEST_ID_HEADER, request_id.encode("ascii", "replace")))
    tracing.inject(headers)
    return headers or None


def request_ids_of(records, limit: int = 100) -> list[str]:
    """The distinct request ids the records carry, in order, at most `limit` (for a log line)."""
    found: dict[str, None] = {}
    for record in records:
        for name, value in record.headers or ():
            if name == REQUEST_ID_HEADER and value is not None:
                found.setdefault(value[:64].decode("ascii", "replace"), None)
                break
        if len(found) >= limit:
            break
    return list(found)


def client_config(bootstrap_servers: str, client_id: str, config: dict,
                  security: KafkaSecurity | None = None) -> dict:
    """Base settings, TLS/SASL (`security`, else the KAFKA_* variables') and the caller's
    settings, as librdkafka keys ('max_poll_interval_ms' -> dotted)."""
    return {"bootstrap.servers": bootstrap_servers, "client.id": client_id,
            "logger": LIBRDKAFKA_LOG, "log_level": _WARNING, "error_cb": BrokerErrors(client_id),
            **(security or kafka_security()).librdkafka(),
            **{key.replace("_", "."): value for key, value in config.items()}}
