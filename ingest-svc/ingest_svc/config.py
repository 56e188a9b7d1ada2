"""ingest-svc settings, read once from the environment."""
from dataclasses import dataclass
from functools import cache

from chassis.limits import LimitSettings, as_rate_limit
from chassis.privacy.retention import RetentionSettings
from chassis.privacy.settings import PrivacySettings
from chassis.settings import BaseSettings, as_bool, as_float, as_int, as_list, as_pem, as_port, env


@dataclass(frozen=True, kw_only=True)
class Settings(BaseSettings, LimitSettings, RetentionSettings, PrivacySettings):
    # Secrets: no defaults in code (`devkit run` generates dev values).
    survey_verify_key: str = env("SURVEY_VERIFY_KEY", parse=as_pem)
    secret_key: str = env("INGEST_SECRET_KEY")
    # Shared with survey-svc: checks the tag of a reply address and the hash of the invitee's address.
    reply_tag_key: str = env("REPLY_TAG_KEY")
    # "phone:<token>,kiosk:<token>": one bearer token per source system.
    api_tokens: tuple[str, ...] = env("INGEST_API_TOKENS", (), as_list)
    inbound_token: str = env("INGEST_INBOUND_TOKEN", "")
    # Reviews unmatched email replies (personal data); the review API is closed while unset.
    admin_token: str = env("ADMIN_TOKEN", "")
    database_url: str = env("INGEST_DATABASE_URL", "sqlite:///var/ingest.db")
    host: str = env("INGEST_HOST", "127.0.0.1")
    port: int = env("INGEST_PORT", 8002, as_port)
    workers: int = env("INGEST_WORKERS", 2, as_int)
    threads: int = env("INGEST_THREADS", 8, as_int)
    public_survey_url: str = env("PUBLIC_SURVEY_URL", "http://127.0.0.1:8002")
    reply_domain: str = env("REPLY_DOMAIN", "replies.localhost")
    spool_dir: str = env("INGEST_SPOOL_DIR", "var/ingest-spool")
    ack_timeout_s: float = env("INGEST_ACK_TIMEOUT_S", 2.0, as_float)
    background: bool = env("INGEST_BACKGROUND", True, as_bool)
    smtp_host: str = env("INGEST_SMTP_HOST", "127.0.0.1")
    smtp_port: int = env("INGEST_SMTP_PORT", 8025, as_port)
    # Rate limits ("N per minute"; counted where RATE_LIMIT_STORAGE_URI says): survey pages per
    # link token (posts) and per client address; the API per source system, batches apart;
    # inbound email per client address (the webhook) and per peer (SMTP).
    rate_limit_token: str = env("INGEST_RATE_LIMIT_TOKEN", "30 per minute", as_rate_limit)
    rate_limit_ip: str = env("INGEST_RATE_LIMIT_IP", "300 per minute", as_rate_limit)
    api_rate_limit: str = env("INGEST_API_RATE_LIMIT", "60000 per minute", as_rate_limit)
    batch_rate_limit: str = env("INGEST_BATCH_RATE_LIMIT", "600 per minute", as_rate_limit)
    inbound_rate_limit: str = env("INGEST_INBOUND_RATE_LIMIT", "600 per minute", as_rate_limit)
    provisional_grace_s: float = env("INGEST_PROVISIONAL_GRACE_S", 1800.0, as_float)
    consumer_group: str = env("INGEST_CONSUMER_GROUP", "ingest-svc")
    # The question sets (contracts.question_sets), the same JSON file survey-svc reads.
    question_sets_file: str | None = env("QUESTION_SETS_FILE", None)

    def api_sources(self) -> dict[str, str]:
        """Bearer token -> source system name (parsed once per token list, not per request)."""
        return _sources(self.api_tokens)

    @classmethod
    def from_env(cls, environ=None) -> "Settings":
        from chassis.settings import from_env
        return from_env(cls, environ)


@cache
def _sources(api_tokens: tuple[str, ...]) -> dict[str, str]:
    pairs = (item.split(":", 1) for item in api_tokens if ":" in item)
    return {token: name for name, token in pairs if token}
