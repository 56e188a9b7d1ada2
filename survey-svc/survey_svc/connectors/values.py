"""How a mapped value becomes text, a number, a flag or a moment (the mapping file's `type`)."""
import email.utils
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "off", ""})
TEXT_STEPS = {"lower": str.lower, "upper": str.upper, "strip": str.strip, "title": str.title}


class ValueProblem(ValueError):
    """A value the field's type cannot take; the message says what was found."""


def zone(name: str):
    """The timezone a naive timestamp is read in (an IANA name; "UTC" by default)."""
    if name.upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueProblem(f"unknown timezone {name!r}") from None


def as_text(value) -> str:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise ValueProblem(f"expected text, found {_kind(value)}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def as_email(value) -> str | None:
    """The address in "a@x" or "Name <a@x>"; None when there is no single address (a login name
    where the tool has no email, several addresses)."""
    found = email.utils.getaddresses([as_text(value)])
    address = found[0][1].strip() if len(found) == 1 else ""
    local, at, domain = address.rpartition("@")
    return address if at and local and "." in domain and " " not in address else None


def as_int(value) -> int:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise ValueProblem(f"expected a whole number, found {_kind(value)}")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueProblem(f"expected a whole number, found {value!r}") from None


def as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    word = as_text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueProblem(f"expected true or false, found {value!r}")


def as_datetime(value, fmt: str = "iso", tz=timezone.utc) -> datetime:
    """`fmt`: "iso" (Z, +00:00 and +0000 alike), "epoch_s", "epoch_ms" or a strptime pattern;
    a timestamp without an offset is read in `tz`."""
    try:
        if fmt in ("epoch_s", "epoch_ms"):
            seconds = float(as_text(value)) / (1000 if fmt == "epoch_ms" else 1)
            return datetime.fromtimestamp(seconds, timezone.utc)
        text = as_text(value)
        moment = datetime.fromisoformat(text) if fmt == "iso" else datetime.strptime(text, fmt)
    except (ValueError, OverflowError, OSError):
        raise ValueProblem(f"expected a timestamp ({fmt}), found {value!r}") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def as_epoch(value, fmt: str = "iso", tz=timezone.utc) -> int:
    """A moment as whole Unix seconds: a resolution number for tools that count no reopens."""
    return int(as_datetime(value, fmt, tz).timestamp())


def _kind(value) -> str:
    return {dict: "an object", list: "a list", bool: "true/false"}.get(type(value), repr(value))
