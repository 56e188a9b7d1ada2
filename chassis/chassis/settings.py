"""Settings read once from the environment into a frozen dataclass."""
import dataclasses
import os
from pathlib import Path
from typing import Any, Callable, Mapping

REQUIRED = object()


class SettingsError(Exception):
    """A missing or invalid environment variable; the message names it."""


def env(name: str, default: Any = REQUIRED, parse: Callable[[str], Any] = str):
    """A dataclass field filled from environment variable `name`."""
    kwargs = {} if default is REQUIRED else {"default": default}
    return dataclasses.field(metadata={"env": name, "parse": parse, "required": default is REQUIRED},
                             **kwargs)


def from_env(cls, environ: Mapping[str, str] | None = None):
    environ = os.environ if environ is None else environ
    values = {}
    for f in dataclasses.fields(cls):
        name = f.metadata.get("env")
        if name is None:
            continue
        raw = environ.get(name)
        if raw is None or raw == "":
            if f.metadata["required"]:
                raise SettingsError(f"{name}: required but not set")
            continue
        try:
            values[f.name] = f.metadata["parse"](raw)
        except (ValueError, OSError) as err:
            raise SettingsError(f"{name}: {err}") from None
    return cls(**values)


def as_int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"must be a whole number, got {raw!r}") from None


def as_float(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"must be a number, got {raw!r}") from None


def as_port(raw: str) -> int:
    port = as_int(raw)
    if not 0 < port < 65536:
        raise ValueError(f"must be a port from 1 to 65535, got {raw!r}")
    return port


def as_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"must be true or false, got {raw!r}")


def as_list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def as_pem(raw: str) -> str:
    """PEM text itself, or the path of a file holding it."""
    text = raw if raw.lstrip().startswith("-----BEGIN") else Path(raw).read_text()
    if "-----BEGIN" not in text:
        raise ValueError("is neither PEM text nor a path to a PEM file")
    return text


@dataclasses.dataclass(frozen=True, kw_only=True)
class BaseSettings:
    """Fields every service has; subclass with @dataclass(frozen=True, kw_only=True)."""

    kafka_bootstrap_servers: str = env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    log_level: str = env("LOG_LEVEL", "INFO")
    # node_modules with govuk-frontend, chart.js...; unset: the nearest node_modules folder.
    assets_dir: str | None = env("ASSETS_DIR", None)
