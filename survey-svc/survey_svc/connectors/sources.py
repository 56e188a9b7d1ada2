"""Push sources: which mapping and which authentication each service desk's POST uses.

SURVEY_CONNECTORS_FILE names a TOML file; each `[push.<name>]` table is one source, served at
POST /v1/tickets/resolved/<name>. Secrets never sit in the file: `secret_env` names the
environment variable holding the shared secret, password or HMAC key. Other tables (the pull
connectors' `[pull.<name>]`) are left to their own loader.

    [push.servicenow]
    mapping = "servicenow"          # a shipped mapping, or a path to a .toml file
    auth = "basic"                  # header | basic | hmac | glpi | signed
    username = "survey-push"
    secret_env = "SERVICENOW_PUSH_PASSWORD"
    writeback = "snow"              # the [pull.<name>] whose credentials write back to these
                                    # tickets (default: the pull connector of the same name)
"""
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from survey_svc.connectors.mapping import Mapping, MappingFileError

AUTH_KINDS = ("header", "basic", "hmac", "glpi", "signed")
DEFAULT_HEADERS = {"header": "X-Survey-Token", "hmac": "X-Hub-Signature"}
SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


class SourcesError(ValueError):
    """A push source that cannot be used; the message names the file and the source."""


@dataclass(frozen=True)
class PushSource:
    name: str
    mapping: Mapping
    auth: str
    secret: str = field(repr=False)
    header: str | None = None
    username: str | None = None
    writeback: str | None = None  # the pull connector that writes back to its tickets

    def writes_back_through(self, connectors: dict) -> str | None:
        """The pull connector whose credentials write back to this source's tickets."""
        name = self.writeback or self.name
        return name if name in connectors else None


def load_push_sources(path: str | None, environ=None) -> dict[str, PushSource]:
    """Every `[push.<name>]` of the file; {} without a file (push is then off)."""
    environ = os.environ if environ is None else environ
    return {name: _source(name, spec, environ, f"{path}: push.{name}")
            for name, spec in file_section(path, "push", SourcesError).items()}


def file_section(path: str | None, section: str, error: type[Exception]) -> dict:
    """`[section.*]` of SURVEY_CONNECTORS_FILE ({} without a file); `error` names a bad file."""
    if not path:
        return {}
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise error(f"{path}: {err}") from None
    return data.get(section, {})


def _source(name: str, spec: dict, environ, where: str) -> PushSource:
    if not SOURCE_NAME.match(name):
        raise SourcesError(f"{where}: a source name is lower-case letters, digits, - and _")
    auth = spec.get("auth", "header")
    if auth not in AUTH_KINDS:
        raise SourcesError(f"{where}: auth {auth!r} is not one of {AUTH_KINDS}")
    if not spec.get("mapping"):
        raise SourcesError(f"{where}: mapping is required")
    secret = environ.get(spec.get("secret_env") or "", "")
    if not secret:
        raise SourcesError(f"{where}: secret_env must name a set environment variable")
    if auth == "basic" and not spec.get("username"):
        raise SourcesError(f"{where}: auth basic needs a username")
    try:
        mapping = Mapping.load(spec["mapping"])
    except MappingFileError as err:
        raise SourcesError(f"{where}: {err}") from None
    return PushSource(name=name, mapping=mapping, auth=auth, secret=secret,
                      header=spec.get("header", DEFAULT_HEADERS.get(auth)),
                      username=spec.get("username"), writeback=spec.get("writeback"))
