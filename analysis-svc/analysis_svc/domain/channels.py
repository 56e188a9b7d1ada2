"""Which directorates' alerts go to which Teams or Slack channel (email goes to partners as before).

A channel is a named incoming webhook; a route sends a directorate's alerts ("*": every
directorate's) to some channels. From a TOML file (ALERT_CHANNELS_FILE):

    [channels.adults-teams]
    kind = "teams"                 # or "slack"
    url = "https://...webhook..."  # a secret: the URL is the credential

    [routes]
    Adults = ["adults-teams"]
    "*" = ["ops-slack"]

or variables, which override the file name by name: ALERT_WEBHOOKS="adults-teams=teams:https://...;
ops-slack=slack:https://..." and ALERT_ROUTES="Adults=adults-teams;*=ops-slack".
"""
from dataclasses import dataclass, field
from urllib.parse import urlsplit

KINDS = ("teams", "slack")
EVERY = "*"


@dataclass(frozen=True)
class Channel:
    name: str
    kind: str
    url: str = field(repr=False)  # never logged: whoever has it can post


@dataclass(frozen=True)
class ChannelRules:
    channels: tuple = ()  # Channel
    routes: tuple = ()    # (directorate or "*", (channel names))

    def for_directorate(self, directorate: str) -> list[str]:
        """Channel names for this directorate's alerts, once each, in route order."""
        names = [n for d, names in self.routes if d in (directorate, EVERY) for n in names]
        return list(dict.fromkeys(names))

    def channel(self, name: str) -> Channel | None:
        return next((c for c in self.channels if c.name == name), None)

    def merged(self, other: "ChannelRules") -> "ChannelRules":
        """These rules with `other`'s channels and routes replacing the same names."""
        names = {c.name for c in other.channels}
        keys = {d for d, _ in other.routes}
        return ChannelRules(
            tuple(c for c in self.channels if c.name not in names) + other.channels,
            tuple(r for r in self.routes if r[0] not in keys) + other.routes).checked()

    def checked(self) -> "ChannelRules":
        """Raise ValueError naming a route's unknown channel."""
        known = {c.name for c in self.channels}
        for directorate, names in self.routes:
            for name in names:
                if name not in known:
                    raise ValueError(f"route {directorate!r} names channel {name!r}, which is not "
                                     f"defined (defined: {', '.join(sorted(known)) or 'none'})")
        return self


def channel(name: str, kind: str, url: str) -> Channel:
    """A checked channel: a known kind and an http(s) URL."""
    if kind not in KINDS:
        raise ValueError(f"channel {name!r}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"channel {name!r}: url must be an http(s) URL")
    return Channel(name, kind, url)


def parse_webhooks(raw: str) -> tuple:
    """ALERT_WEBHOOKS: "name=kind:url;name=kind:url"."""
    out = []
    for item in filter(None, (part.strip() for part in raw.split(";"))):
        name, eq, rest = item.partition("=")
        kind, colon, url = rest.partition(":")
        if not (eq and colon and name.strip()):
            raise ValueError(f"{item[:40]!r}... is not name=kind:url")
        out.append(channel(name.strip(), kind.strip(), url.strip()))
    return tuple(out)


def parse_routes(raw: str) -> tuple:
    """ALERT_ROUTES: "Directorate=name,name;*=name"."""
    out = []
    for item in filter(None, (part.strip() for part in raw.split(";"))):
        directorate, eq, names = item.partition("=")
        names = tuple(n.strip() for n in names.split(",") if n.strip())
        if not (eq and directorate.strip() and names):
            raise ValueError(f"{item!r} is not Directorate=channel[,channel]")
        out.append((directorate.strip(), names))
    return tuple(out)


def rules_from_mapping(data: dict) -> ChannelRules:
    """The TOML file's [channels.*] and [routes] tables."""
    channels = tuple(channel(name, str(spec.get("kind", "")), str(spec.get("url", "")))
                     for name, spec in (data.get("channels") or {}).items())
    routes = []
    for directorate, names in (data.get("routes") or {}).items():
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not names:
            raise ValueError(f"route {directorate!r} must list channel names")
        routes.append((directorate, tuple(str(n) for n in names)))
    return ChannelRules(channels, tuple(routes)).checked()
