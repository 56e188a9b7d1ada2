"""analysis-svc settings, read once from the environment."""
import ipaddress
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


from chassis.limits import LimitSettings, as_rate_limit
from chassis.mail import SmtpSettings
from chassis.privacy.settings import PrivacySettings
from chassis.privacy.retention import RetentionSettings
from chassis.settings import (BaseSettings, as_bool, as_float, as_int, as_list, as_port, env,
                              from_env)

from analysis_svc.domain.channels import ChannelRules, parse_routes, parse_webhooks, rules_from_mapping
from analysis_svc.domain.schedule import parse_schedule
from analysis_svc.domain.ticket_links import parse_ticket_links
from analysis_svc.sign_on_settings import SignOnSettings


def as_zone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"must be an IANA time zone such as Europe/London, got {raw!r}") from None
    return raw


def as_asset_tag(raw: str) -> str:
    """A regex for an asset tag that RE2 runs (linear time on any comment), checked at start-up."""
    from analysis_svc.adapters.text.identifiers import linear_tag
    return linear_tag(raw)


def as_channels_file(raw: str) -> ChannelRules:
    """ALERT_CHANNELS_FILE: a TOML file of channels and routes (domain.channels), checked now."""
    import tomllib
    from pathlib import Path
    try:
        return rules_from_mapping(tomllib.loads(Path(raw).read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{raw}: not valid TOML ({err})") from None


def as_schedule(raw: str) -> str:
    """REPORT_SCHEDULE, checked now (its zone defaults to REPORTING_TIMEZONE later)."""
    parse_schedule(raw)
    return raw.strip()


def as_networks(raw: str) -> tuple:
    """Comma-separated addresses or CIDRs (10.0.0.0/8, ::1)."""
    return tuple(ipaddress.ip_network(part, strict=False) for part in as_list(raw))


@dataclass(frozen=True)
class Settings(BaseSettings, SmtpSettings, LimitSettings, RetentionSettings, PrivacySettings,
               SignOnSettings):
    database_url: str = env("ANALYSIS_DATABASE_URL", "sqlite:///var/analysis.db")
    host: str = env("ANALYSIS_HOST", "127.0.0.1")
    port: int = env("ANALYSIS_PORT", 8003, as_port)
    # No default: the admin token is a secret (`devkit run` generates a dev value).
    admin_token: str | None = env("ADMIN_TOKEN", None)
    # Where the model learned from the stream is kept between restarts ("" = memory only).
    model_dir: str = env("ANALYSIS_MODEL_DIR", "var/analysis-model")
    group_id: str = env("ANALYSIS_GROUP_ID", "analysis-svc")
    min_cell_size: int = env("MIN_CELL_SIZE", 5, as_int)
    trend_periods: int = env("TREND_PERIODS", 6, as_int)
    alpha: float = env("SIGNIFICANCE_LEVEL", 0.05, as_float)
    detractor_compound: float = env("DETRACTOR_COMPOUND", -0.6, as_float)
    batch_size: int = env("ANALYSIS_BATCH_SIZE", 1000, as_int)
    learn_every: int = env("ANALYSIS_LEARN_EVERY", 2000, as_int)
    run_worker: bool = env("ANALYSIS_RUN_WORKER", True, as_bool)
    # The consumer stamps this file after every poll; with run_worker, /readyz fails when the
    # stamp is older than consumer_stale_s (unset: `serve` picks a private file for its child).
    consumer_heartbeat_file: str | None = env("ANALYSIS_CONSUMER_HEARTBEAT", None)
    consumer_stale_s: float = env("ANALYSIS_CONSUMER_STALE_S", 60.0, as_float)
    # `serve` ends its consumer child, and exits 1, when the stamp is older than this (a consumer
    # that hangs without raising); longer than any legitimate batch. 0: never.
    consumer_stall_limit_s: float = env("ANALYSIS_CONSUMER_STALL_LIMIT_S", 300.0, as_float)
    alert_email: bool = env("ALERT_EMAIL", False, as_bool)
    public_url: str = env("ANALYSIS_PUBLIC_URL", "http://127.0.0.1:8003")
    # Weeks and months start at local midnight here (changing it needs `rebuild --reset`).
    reporting_timezone: str = env("REPORTING_TIMEZONE", "Europe/London", as_zone)
    # The dashboard. Signs its session cookie; without it each process makes up its own key.
    session_secret: str | None = env("DASHBOARD_SESSION_SECRET", None)
    # Off unless set: a header (e.g. X-Forwarded-Email) your SSO proxy sets and strips from clients.
    trusted_header_name: str | None = env("TRUSTED_HEADER_NAME", None)
    trusted_admins: tuple = env("TRUSTED_ADMIN_USERS", (), as_list)
    # The header is believed only from these direct peers (checked before any ProxyFix rewrite)...
    trusted_proxy_addresses: tuple = env("TRUSTED_PROXY_ADDRESSES", (), as_networks)
    # ...and, when set, only with this secret in X-Trusted-Proxy-Secret. Neither: never believed.
    trusted_header_secret: str | None = env("TRUSTED_HEADER_SECRET", None)
    # Unset: Secure whenever ANALYSIS_PUBLIC_URL is https (see cookie_secure).
    secure_cookie: bool | None = env("DASHBOARD_SECURE_COOKIE", None, as_bool)
    # From sign-in, however busy the session is (the lifetime does not slide).
    session_hours: float = env("DASHBOARD_SESSION_HOURS", 8.0, as_float)
    # Per client address, sign-in attempts only (a token is 43 random characters; this is noise).
    signin_rate_limit: str = env("DASHBOARD_SIGNIN_RATE_LIMIT", "10 per minute", as_rate_limit)
    # Per token (per address without a known one): generous for a BI tool paging a feed.
    feed_rate_limit: str = env("ANALYSIS_FEED_RATE_LIMIT", "600 per minute", as_rate_limit)
    # Per client address, PDF board reports only (each one is a Chromium run).
    report_pdf_rate_limit: str = env("REPORT_PDF_RATE_LIMIT", "6 per minute", as_rate_limit)
    # The detractor page links each ticket into its service desk: "PREFIX=URL{ticket_id} ..."
    # (analysis_svc.domain.ticket_links); unset, it shows the ticket id alone.
    ticket_links: tuple = env("TICKET_LINKS", (), parse_ticket_links)
    # Chromium renders at once in this process; one more gets 503 + Retry-After.
    pdf_renders_at_once: int = env("REPORT_PDF_CONCURRENCY", 2, as_int)
    # The board report's PDF printer (default: chromium on the PATH).
    chromium_path: str | None = env("CHROMIUM_PATH", None)
    # Redaction: the asset-tag format (after "laptop", "asset", "tag"...); default "LT-123456".
    asset_tag_pattern: str = env("REDACTION_ASSET_TAG", r"[A-Z]{2,4}-?\d{4,8}", as_asset_tag)

    # Alerts to Teams/Slack incoming webhooks by directorate (domain/channels.py): a file,
    # and variables that override it channel by channel and route by route.
    alert_channels_file: ChannelRules = env("ALERT_CHANNELS_FILE", ChannelRules(), as_channels_file)
    alert_webhooks: tuple = env("ALERT_WEBHOOKS", (), parse_webhooks)
    alert_routes: tuple = env("ALERT_ROUTES", (), parse_routes)
    # The board report by email on a schedule (domain/schedule.py), e.g. "monthly on the 2nd at
    # 08:00 Europe/London" or "0 8 2 * *"; unset: only when asked.
    report_schedule: str | None = env("REPORT_SCHEDULE", None, as_schedule)
    report_recipients: tuple = env("REPORT_RECIPIENTS", (), as_list)
    # Each partner with an email (tokens create --email) also gets their directorates' summary.
    report_partner_summaries: bool = env("REPORT_PARTNER_SUMMARIES", True, as_bool)

    @classmethod
    def from_env(cls, environ=None) -> "Settings":
        return from_env(cls, environ)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.reporting_timezone)

    @property
    def bind(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def cookie_secure(self) -> bool:
        if self.secure_cookie is not None:
            return self.secure_cookie
        return self.public_url.lower().startswith("https://")

    def alert_channels(self) -> ChannelRules:
        """The file's rules with the variables' on top; ValueError names a bad route."""
        return self.alert_channels_file.merged(ChannelRules(self.alert_webhooks, self.alert_routes))

    def schedule(self):
        """The parsed REPORT_SCHEDULE (None when unset), in REPORTING_TIMEZONE unless it names a zone."""
        return parse_schedule(self.report_schedule, self.reporting_timezone) if self.report_schedule else None

    def session_key(self) -> str:
        return self.session_secret or secrets.token_hex(32)
