"""The key vault's settings (mixed into each service's Settings) and the vault they describe."""
import dataclasses

from chassis.privacy.vault import CACHE_S, MIN_MASTER_KEY, KeyVault
from chassis.settings import as_float, env


def as_master_key(raw: str) -> str:
    if len(raw.strip()) < MIN_MASTER_KEY:
        raise ValueError(f"must be at least {MIN_MASTER_KEY} random characters "
                         "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
    return raw.strip()


def _required_secret(name: str):
    """Required from the environment (a service refuses to start without it, like every secret),
    never shown by repr; None only for Settings built in code (tests), whose bus then seals
    nothing (Unsealed)."""
    return dataclasses.field(default=None, repr=False,
                             metadata={"env": name, "parse": as_master_key, "required": True})


@dataclasses.dataclass(frozen=True, kw_only=True)
class PrivacySettings:
    """PRIVACY_*: the same vault and master key in every service."""

    privacy_vault_url: str = env("PRIVACY_VAULT_URL", "sqlite:///var/vault.db")
    privacy_master_key: str | None = _required_secret("PRIVACY_MASTER_KEY")
    # How long a key another process shredded may still open here (seconds).
    privacy_key_cache_s: float = env("PRIVACY_KEY_CACHE_S", CACHE_S, as_float)


class Unsealed:
    """The vault of a bus built without a master key (tests): seals nothing, opens nothing."""

    def seal(self, subject, at, text):
        return text

    def seal_many(self, items):
        return [text for _, _, text in items]

    def open(self, token):
        return self.open_many([token])[0]

    def open_many(self, tokens):
        from contracts.personal import is_sealed
        return [None if is_sealed(t) else t for t in tokens]

    def shred_subjects(self, subjects) -> int:
        return 0

    def shred_before(self, month) -> int:
        return 0

    def count_before(self, month) -> int:
        return 0

    def close(self) -> None:
        pass


def vault_for(settings, *, migrate_db: bool = True, clock=None) -> KeyVault | Unsealed:
    """The KeyVault PRIVACY_VAULT_URL and PRIVACY_MASTER_KEY name (migrated unless told not to)."""
    if not getattr(settings, "privacy_master_key", None):
        return Unsealed()
    return KeyVault.from_url(settings.privacy_vault_url, settings.privacy_master_key,
                             migrate_db=migrate_db, clock=clock,
                             cache_s=settings.privacy_key_cache_s)
