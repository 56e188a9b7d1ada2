"""OIDC_*: single sign-on to the dashboard through the organisation's OpenID provider (off unless set)."""
import dataclasses
from urllib.parse import urlsplit

from chassis.settings import SettingsError, env

from analysis_svc.domain.sign_on import parse_group_scopes

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def as_issuer(raw: str) -> str:
    """The issuer URL; https unless the provider is on this machine (tests, a local provider)."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ValueError(f"must be the provider's issuer URL, got {raw!r}")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise ValueError(f"must be https (tokens and claims cross it), got {raw!r}")
    return raw.strip().rstrip("/")


def as_oidc_scopes(raw: str) -> str:
    scopes = raw.replace(",", " ").split()
    if "openid" not in scopes:
        raise ValueError(f"must include openid, got {raw!r}")
    return " ".join(scopes)


@dataclasses.dataclass(frozen=True, kw_only=True)
class SignOnSettings:
    oidc_issuer: str | None = env("OIDC_ISSUER", None, as_issuer)
    oidc_client_id: str | None = env("OIDC_CLIENT_ID", None)
    # A secret: from the environment only, never shown by repr
    oidc_client_secret: str | None = dataclasses.field(default=None, repr=False, metadata={
        "env": "OIDC_CLIENT_SECRET", "parse": str, "required": False})
    oidc_scopes: str = env("OIDC_SCOPES", "openid email profile", as_oidc_scopes)
    # The claim holding the groups (or roles, department...) that OIDC_GROUP_SCOPES maps to
    # admin, directorates or org:<id> organisations
    oidc_group_claim: str = env("OIDC_GROUP_CLAIM", "groups")
    oidc_group_scopes: tuple = env("OIDC_GROUP_SCOPES", (), parse_group_scopes)
    # The sign-in button says "Sign in with <this>"
    oidc_provider_name: str = env("OIDC_PROVIDER_NAME", "your organisation account")

    def __post_init__(self):
        parent = getattr(super(), "__post_init__", None)
        if parent is not None:
            parent()
        given = {"OIDC_ISSUER": self.oidc_issuer, "OIDC_CLIENT_ID": self.oidc_client_id,
                 "OIDC_CLIENT_SECRET": self.oidc_client_secret,
                 "OIDC_GROUP_SCOPES": self.oidc_group_scopes}
        missing = [name for name, value in given.items() if not value]
        # half a configuration would be a sign-in that fails for everyone, or that nobody meant
        if missing and len(missing) < len(given):
            raise SettingsError(f"{', '.join(missing)}: required with "
                                f"{', '.join(n for n in given if n not in missing)} "
                                "(single sign-on is configured only in part)")

    @property
    def sign_on_enabled(self) -> bool:
        return bool(self.oidc_issuer)
