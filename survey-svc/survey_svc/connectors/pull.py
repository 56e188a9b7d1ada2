"""Pull connectors: each `[pull.<name>]` of SURVEY_CONNECTORS_FILE is one service desk polled.

    [pull.rt]
    kind = "rt"                      # rt | servicenow | jira | freshservice | glpi
    url = "https://rt.example.gov.uk"
    secret_env = "RT_TOKEN"          # the variable holding the token / password / API key
    mapping = "rt"                   # a shipped mapping or a path (default: the kind's own)
    interval = 300                   # seconds between polls
    start = "2025-01-01"             # where the very first poll starts (default: now)
    rate = 2                         # requests a second at most
    [pull.rt.options]                # the kind's own: queue, table, jql, statuses, ...
    queue = "General"
    [pull.rt.writeback]              # default: notes on detractors and "not resolved"
    on = ["detractor", "not_resolved", "comment"]
    reopen = ["detractor"]
    [pull.rt.writeback.directorates.Housing]
    on = ["detractor"]

Secrets never sit in the file (a key named like one is refused); each vendor module says which.
"""
import importlib
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator

from survey_svc.connectors.http import ApiClient
from survey_svc.connectors.mapping import Mapping, MappingFileError
from survey_svc.connectors.sources import file_section
from survey_svc.connectors.values import ValueProblem, as_datetime, zone
from survey_svc.domain.writeback import TRIGGERS, WriteBackRule, WriteBackRules

KINDS = ("rt", "servicenow", "jira", "freshservice", "glpi")
DEFAULT_MAPPING = {"glpi": "glpi_rest"}  # the others' shipped mapping is named like the kind
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
SPEC_KEYS = {"kind", "url", "secret_env", "app_token_env", "username", "mapping", "interval",
             "start", "rate", "page_size", "timeout", "attempts", "timezone", "link", "options",
             "writeback"}
SECRET_WORDS = ("password", "token", "secret", "api_key", "apikey")


class ConnectorsError(ValueError):
    """A pull connector that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Pulled:
    """One record as the tool returned it, its id for write-back, and its checkpoint moment."""
    ref: str
    payload: dict
    moment: datetime


@dataclass(frozen=True)
class Spec:
    """One `[pull.<name>]` table, read and checked; secrets resolved from the environment."""
    name: str
    kind: str
    url: str
    username: str | None = None
    secret_env: str | None = None
    app_token_env: str | None = None
    rate: float | None = 2.0
    page_size: int = 100
    timeout: float = 30.0
    attempts: int = 5  # tries of one request (429, 5xx, timeouts) before the poll gives up
    timezone: object = timezone.utc
    options: dict = field(default_factory=dict)
    environ: object = field(default=None, repr=False, compare=False)

    def secret(self, variable: str | None = None) -> str:
        variable = variable or self.secret_env
        value = (self.environ or {}).get(variable or "", "")
        if not value:
            raise ConnectorsError(f"environment variable {variable!r} (named by secret_env or "
                                  f"app_token_env) is not set")
        return value

    def client(self, base_url: str, **kwargs) -> ApiClient:
        """The HTTP client, paced and retried as this connector is configured."""
        return ApiClient(base_url, rate=self.rate, timeout=self.timeout, attempts=self.attempts,
                         **kwargs)


@dataclass(frozen=True)
class Connector:
    name: str
    kind: str
    mapping: Mapping
    source: object  # the vendor's: pages(since), add_note(ref, text), reopen(ref), ordered
    interval_s: float
    start: datetime | None
    writeback: WriteBackRules
    link: str  # "{url}/...{ref}": the ticket in the tool, for people

    def link_to(self, ref: str) -> str:
        return self.link.format(ref=ref)


def load_pull_connectors(path: str | None, environ=None) -> dict[str, Connector]:
    """Every `[pull.<name>]` of the file; {} without a file (nothing is polled)."""
    environ = os.environ if environ is None else environ
    return {name: connector(name, spec, environ, f"{path}: pull.{name}")
            for name, spec in file_section(path, "pull", ConnectorsError).items()}


def connector(name: str, raw: dict, environ, where: str) -> Connector:
    if not NAME.match(name):
        raise ConnectorsError(f"{where}: a connector name is lower-case letters, digits, - and _")
    if unknown := set(raw) - SPEC_KEYS:
        raise ConnectorsError(f"{where}: unknown key(s) {sorted(unknown)}")
    options = raw.get("options", {})
    if secrets := [k for k in options if any(w in k.lower() for w in SECRET_WORDS)]:
        raise ConnectorsError(f"{where}: {secrets} look like secrets: name an environment "
                              f"variable in secret_env instead")
    kind, url = raw.get("kind"), (raw.get("url") or "").rstrip("/")
    if kind not in KINDS:
        raise ConnectorsError(f"{where}: kind {kind!r} is not one of {KINDS}")
    if not url.startswith(("https://", "http://")):
        raise ConnectorsError(f"{where}: url must be the tool's http(s) address")
    try:
        spec = Spec(name=name, kind=kind, url=url, username=raw.get("username"),
                    secret_env=raw.get("secret_env"), app_token_env=raw.get("app_token_env"),
                    rate=float(raw.get("rate", 2)) or None,
                    page_size=int(raw.get("page_size", 100)),
                    timeout=float(raw.get("timeout", 30)), attempts=int(raw.get("attempts", 5)),
                    options=options, environ=environ,
                    timezone=zone(raw.get("timezone", "UTC")))
        mapping = Mapping.load(raw.get("mapping") or DEFAULT_MAPPING.get(kind, kind))
        start = as_datetime(str(raw["start"])) if "start" in raw else None
    except (MappingFileError, ValueProblem, ValueError, TypeError) as err:
        raise ConnectorsError(f"{where}: {err}") from None
    rules = _rules(raw.get("writeback", {}), where)
    reopens = rules.default.reopen or any(r.reopen for r in rules.directorates.values())
    if kind == "jira" and reopens and not options.get("reopen_transition"):
        raise ConnectorsError(f"{where}: writeback reopens, but options.reopen_transition (the "
                              f"id of the workflow's reopen transition) is not set")
    module = importlib.import_module(f"survey_svc.connectors.{kind}")
    try:
        source = module.build(spec)
    except ConnectorsError as err:
        raise ConnectorsError(f"{where}: {err}") from None
    return Connector(name=name, kind=kind, mapping=mapping, source=source,
                     interval_s=float(raw.get("interval", 300)), start=start,
                     writeback=rules,
                     link=raw.get("link", module.LINK).replace("{url}", url))


def _rules(raw: dict, where: str) -> WriteBackRules:
    def rule(spec: dict, at: str) -> WriteBackRule:
        on, reopen = spec.get("on", ["detractor", "not_resolved"]), spec.get("reopen", [])
        if bad := [t for t in [*on, *reopen] if t not in TRIGGERS]:
            raise ConnectorsError(f"{where}: writeback{at}: {bad} not among {TRIGGERS}")
        return WriteBackRule(on=frozenset(on), reopen=frozenset(reopen))
    default = rule(raw, "")
    merged = {name: rule({"on": sorted(default.on), "reopen": sorted(default.reopen), **spec},
                         f".directorates.{name}")
              for name, spec in raw.get("directorates", {}).items()}
    return WriteBackRules(default=default, directorates=merged)


def keyset_pages(fetch: Callable[[datetime, int], list[Pulled]], since: datetime,
                 page_size: int) -> Iterator[list[Pulled]]:
    """Pages of a search ordered by moment: each starts at the newest moment read so far, so a
    record updated meanwhile cannot slip between two pages (those read twice are duplicates)."""
    page = 1
    while True:
        records = fetch(since, page)
        if records:
            yield records
        if len(records) < page_size:
            return
        newest = max(r.moment for r in records)
        # a whole page within one moment: step through that moment by page number
        since, page = (newest, 1) if newest > since else (since, page + 1)


def parse_time(value: str, tz=timezone.utc) -> datetime:
    return as_datetime(value, "iso", tz).astimezone(timezone.utc)


def query_time(moment: datetime, tz=timezone.utc, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """A moment as the tool's query language reads it, in the timezone it reads it in."""
    return moment.astimezone(tz).strftime(fmt)


def floor_minute(moment: datetime) -> datetime:
    return moment - timedelta(seconds=moment.second, microseconds=moment.microsecond)
