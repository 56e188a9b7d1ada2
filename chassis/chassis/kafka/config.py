"""What publisher and consumer share: settings for librdkafka, quiet logs, Record, PublishError."""
import logging
from dataclasses import dataclass


class _NoConnectFailures(logging.Filter):
    """Drop librdkafka's line per failed connection attempt (several a second while a broker
    is down): publishers raise PublishError and consumers log the error events instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("FAIL ")


# librdkafka's own log lines, served on poll; they never carry payloads.
LIBRDKAFKA_LOG = logging.getLogger("chassis.kafka.librdkafka")
LIBRDKAFKA_LOG.addFilter(_NoConnectFailures())
_WARNING = 4  # syslog level: librdkafka does not even format anything chattier


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


def client_config(bootstrap_servers: str, client_id: str, config: dict) -> dict:
    """Base settings plus the caller's, as librdkafka keys ('max_poll_interval_ms' -> dotted)."""
    return {"bootstrap.servers": bootstrap_servers, "client.id": client_id,
            "logger": LIBRDKAFKA_LOG, "log_level": _WARNING,
            **{key.replace("_", "."): value for key, value in config.items()}}
