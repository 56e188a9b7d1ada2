"""When a response or a period deserves someone's attention."""
import uuid

NAMESPACE = uuid.UUID("6f1d3c8e-5a52-4b0e-9c55-2a8f3e0b7d11")


def is_detractor(score: int, compound: float, commented: bool, threshold: float) -> bool:
    """A low score, or a strongly negative comment whatever the score."""
    return score <= 2 or (commented and compound <= threshold)


def detractor_alert_id(response_id: str) -> str:
    return f"det-{response_id}"[:64]


def drop_alert_id(directorate: str, kind: str, period: str) -> str:
    return "drop-" + uuid.uuid5(NAMESPACE, f"{directorate}|{kind}|{period}").hex


def stable_event_id(*parts: str) -> str:
    """Same input, same event id: a re-published event is recognisably the same event."""
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))
