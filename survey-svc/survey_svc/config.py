"""Settings read once from the environment."""
from dataclasses import dataclass

from chassis.limits import LimitSettings, as_rate_limit
from chassis.mail import SmtpSettings
from chassis.privacy.retention import RetentionSettings
from chassis.privacy.settings import PrivacySettings
from chassis.settings import (BaseSettings, as_bool, as_float, as_int, as_pem, as_port, env,
                              from_env)


def as_peer_url(raw: str) -> str:
    """An http(s) base URL, or "off" (read as "": that service is not asked)."""
    value = raw.strip()
    if value.lower() == "off":
        return ""
    if not value.startswith(("http://", "https://")):
        raise ValueError(f'must be an http(s) URL or "off", got {raw!r}')
    return value


@dataclass(frozen=True, kw_only=True)
class Settings(BaseSettings, SmtpSettings, LimitSettings, RetentionSettings, PrivacySettings):
    """The common variables, SMTP_*, MAIL_FROM, RATE_LIMIT_*, RETENTION_* (chassis), and survey-svc's
    own."""

    webhook_secret: str = env("WEBHOOK_SECRET")
    # The body-only `sha256=<hex>` signature can be replayed for ever: only for a legacy ITSM
    # that cannot sign a timestamp, and only when an operator says so.
    webhook_allow_body_only_signature: bool = env("WEBHOOK_ALLOW_BODY_ONLY_SIGNATURE", False,
                                                  as_bool)
    admin_token: str = env("ADMIN_TOKEN")
    # Shared with ingest-svc: keys the tag that makes a reply address unguessable.
    reply_tag_key: str = env("REPLY_TAG_KEY")
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
    # Per client address; generous enough for an ITSM closing a backlog in one burst.
    webhook_rate_limit: str = env("SURVEY_WEBHOOK_RATE_LIMIT", "600 per minute", as_rate_limit)
    admin_rate_limit: str = env("SURVEY_ADMIN_RATE_LIMIT", "300 per minute", as_rate_limit)
    # The push sources (POST /v1/tickets/resolved/<source>), a TOML file; unset, push is off.
    connectors_file: str | None = env("SURVEY_CONNECTORS_FILE", None)
    # The question sets (contracts.question_sets), a JSON file shared with ingest-svc; unset,
    # every invitation asks the default questions.
    question_sets_file: str | None = env("QUESTION_SETS_FILE", None)
    # Subject access asks ingest-svc and analysis-svc over their admin APIs (with ADMIN_TOKEN,
    # which the three services share); "off" leaves that service's part out (complete: false).
    ingest_admin_url: str = env("INGEST_ADMIN_URL", "http://127.0.0.1:8002", as_peer_url)
    analysis_admin_url: str = env("ANALYSIS_ADMIN_URL", "http://127.0.0.1:8003", as_peer_url)
    subject_access_timeout_s: float = env("SUBJECT_ACCESS_TIMEOUT_S", 10.0, as_float)

    @classmethod
    def from_env(cls, environ=None) -> "Settings":
        return from_env(cls, environ)

    @property
    def bind(self) -> str:
        return f"{self.host}:{self.port}"
