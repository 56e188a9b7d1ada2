"""Settings read once from the environment."""
from dataclasses import dataclass

from chassis.mail import SmtpSettings
from chassis.settings import BaseSettings, as_float, as_int, as_pem, as_port, env, from_env


@dataclass(frozen=True, kw_only=True)
class Settings(BaseSettings, SmtpSettings):
    """The common variables, SMTP_* and MAIL_FROM (chassis.mail), and survey-svc's own."""

    webhook_secret: str = env("WEBHOOK_SECRET")
    admin_token: str = env("ADMIN_TOKEN")
    signing_key: str = env("SURVEY_SIGNING_KEY", parse=as_pem)
    database_url: str = env("SURVEY_DATABASE_URL", "sqlite:///var/survey.db")
    host: str = env("SURVEY_HOST", "127.0.0.1")
    port: int = env("SURVEY_PORT", 8001, as_port)
    public_survey_url: str = env("PUBLIC_SURVEY_URL", "http://127.0.0.1:8002")
    reply_domain: str = env("REPLY_DOMAIN", "replies.localhost")
    dispatch_interval_s: float = env("SURVEY_DISPATCH_INTERVAL", 5.0, as_float)
    dispatch_batch: int = env("SURVEY_DISPATCH_BATCH", 1000, as_int)
    # Parallel SMTP connections; each may repeat its one mail in flight after a crash.
    dispatch_connections: int = env("SURVEY_DISPATCH_CONNECTIONS", 1, as_int)
    # Sender processes, each with that many connections, on disjoint shares of the due mail.
    dispatch_processes: int = env("SURVEY_DISPATCH_PROCESSES", 1, as_int)

    @classmethod
    def from_env(cls, environ=None) -> "Settings":
        return from_env(cls, environ)

    @property
    def bind(self) -> str:
        return f"{self.host}:{self.port}"
