"""Settings read once from the environment."""
from dataclasses import dataclass

from chassis.settings import BaseSettings, as_bool, as_float, as_int, as_pem, as_port, env, from_env


@dataclass(frozen=True)
class Settings(BaseSettings):
    webhook_secret: str = env("WEBHOOK_SECRET")
    admin_token: str = env("ADMIN_TOKEN")
    signing_key: str = env("SURVEY_SIGNING_KEY", parse=as_pem)
    database_url: str = env("SURVEY_DATABASE_URL", "sqlite:///var/survey.db")
    host: str = env("SURVEY_HOST", "127.0.0.1")
    port: int = env("SURVEY_PORT", 8001, as_port)
    public_survey_url: str = env("PUBLIC_SURVEY_URL", "http://127.0.0.1:8002")
    smtp_host: str = env("SMTP_HOST", "127.0.0.1")
    smtp_port: int = env("SMTP_PORT", 1025, as_port)
    smtp_username: str | None = env("SMTP_USERNAME", None)
    smtp_password: str | None = env("SMTP_PASSWORD", None)
    smtp_starttls: bool = env("SMTP_STARTTLS", False, as_bool)
    smtp_timeout_s: float = env("SMTP_TIMEOUT", 10.0, as_float)
    mail_from: str = env("MAIL_FROM", "ICT Service <ict-feedback@council.localhost>")
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
