"""When a response or a period deserves someone's attention."""
import uuid
from hashlib import sha1

NAMESPACE = uuid.UUID("6f1d3c8e-5a52-4b0e-9c55-2a8f3e0b7d11")
_NAMESPACE_BYTES = NAMESPACE.bytes


def is_detractor(score: int, compound: float, commented: bool, threshold: float) -> bool:
    """A low score, or a strongly negative comment whatever the score."""
    return score <= 2 or (commented and compound <= threshold)


def detractor_alert_id(response_id: str) -> str:
    return f"det-{response_id}"[:64]


def drop_alert_id(directorate: str, kind: str, period: str) -> str:
    return "drop-" + uuid.uuid5(NAMESPACE, f"{directorate}|{kind}|{period}").hex


def stable_event_id(*parts: str) -> str:
    """Same input, same event id: a re-published event is recognisably the same event.

    uuid.uuid5(NAMESPACE, name) as text, without building the UUID object (a third of the
    time; two are made per stored answer)."""
    digest = bytearray(sha1(_NAMESPACE_BYTES + "|".join(parts).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
