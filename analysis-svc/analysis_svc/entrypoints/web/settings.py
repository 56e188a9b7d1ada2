"""Dashboard settings: the session key and the optional trusted reverse-proxy header."""
import secrets
from dataclasses import dataclass

from chassis.settings import as_list, env, from_env


@dataclass(frozen=True)
class WebSettings:
    # Signs the dashboard's session cookie; without it each process makes up its own key.
    session_secret: str | None = env("DASHBOARD_SESSION_SECRET", None)
    # Off unless set: a header (e.g. X-Forwarded-Email) your SSO proxy sets and strips from clients.
    trusted_header_name: str | None = env("TRUSTED_HEADER_NAME", None)
    trusted_admins: tuple = env("TRUSTED_ADMIN_USERS", "", as_list)
    secure_cookie: bool = False

    @classmethod
    def from_env(cls, environ=None) -> "WebSettings":
        return from_env(cls, environ)

    def secret(self) -> str:
        return self.session_secret or secrets.token_hex(32)
