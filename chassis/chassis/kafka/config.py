"""What publisher and consumer share: settings for librdkafka, quiet logs, Record, PublishError."""
import logging
from dataclasses import dataclass

# librdkafka's own log lines (connection failures and the like), served on poll; never payloads.
LIBRDKAFKA_LOG = logging.getLogger("chassis.kafka.librdkafka")
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
