"""KeyVault: one random AES-256-GCM data key per (subject, month), wrapped with PRIVACY_MASTER_KEY,
in a small database the three services share (PRIVACY_VAULT_URL).

Personal fields go on Kafka sealed with their person's key for the month (contracts.personal's
token); deleting the key (shred_subjects for an erasure, shred_before for retention) makes every
copy unreadable at once, on every topic and in every spool, while the rest of the event stays.

Keys are cached in the process for at most `cache_s` (PRIVACY_KEY_CACHE_S, default 30 s): a key
this process shreds stops opening here at once; one shredded by another process opens here for
at most that long. A key id, once gone, never comes back (ids are random), so "gone" is cached
for good.
"""
import base64
import hashlib
import hmac
import logging
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.exc import DBAPIError, IntegrityError

from chassis.clock import SystemClock
from chassis.db import make_engine, migrate
from chassis.privacy.vault_tables import keys
from contracts.personal import KEY_ID_LENGTH, TOKEN_PREFIX, is_sealed

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "vault_migrations"
ANONYMOUS = "anonymous"  # the month's key for what no known person said (shred_before only)
CACHE_S = 30.0
MIN_MASTER_KEY = 32
_CHUNK = 500  # ids per IN (...): well under every driver's parameter limit


class MasterKeyMismatch(RuntimeError):
    """A key in the vault was wrapped with another master key: a configuration error, which
    must not read as "shredded" (a rebuild would then drop every comment)."""


@dataclass(frozen=True)
class _Key:
    key_id: str
    subject: str
    month: str
    aead: AESGCM
    loaded: float  # clock seconds


def month_of(at: datetime | date) -> str:
    """'2026-03': the month (UTC) whose key seals data from `at`."""
    if isinstance(at, datetime):
        at = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    return f"{at.year:04d}-{at.month:02d}"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id_of(token: str) -> str:
    return token[len(TOKEN_PREFIX):len(TOKEN_PREFIX) + KEY_ID_LENGTH]


class KeyVault:
    """seal / open / open_many / shred_subjects / shred_before over the vault's database."""

    def __init__(self, engine: sa.Engine, master_key: str, *, clock=None,
                 cache_s: float = CACHE_S, max_cached: int = 10_000):
        if not master_key or len(master_key) < MIN_MASTER_KEY:
            raise ValueError(f"the master key must be at least {MIN_MASTER_KEY} characters")
        self.engine, self.clock, self.cache_s, self.max_cached = engine, clock or SystemClock(), cache_s, max_cached
        kek = HKDF(hashes.SHA256(), 32, salt=None, info=b"feedback-suite vault kek v1").derive(
            master_key.encode("utf-8"))
        self._kek = AESGCM(kek)
        self.kek_id = hmac.new(kek, b"kek-id", hashlib.sha256).hexdigest()[:16]
        self._lock = threading.Lock()
        self._by_id: OrderedDict[str, _Key] = OrderedDict()
        self._current: dict[tuple[str, str], str] = {}  # (subject, month) -> key_id
        self._gone: OrderedDict[str, None] = OrderedDict()

    @classmethod
    def from_url(cls, url: str, master_key: str, *, migrate_db: bool = True, **kwargs) -> "KeyVault":
        if migrate_db:
            migrate_vault(url)
        return cls(make_engine(url), master_key, **kwargs)

    def close(self) -> None:
        self.engine.dispose()

    # sealing

    def seal(self, subject: str | None, at: datetime | date, text: str | None) -> str | None:
        """`text` sealed with the subject's key for `at`'s month (None stays None)."""
        return self.seal_many([(subject, at, text)])[0]

    def seal_many(self, items: Iterable[tuple[str | None, datetime | date, str | None]]) -> list:
        """seal() for many, with one query for the keys not cached."""
        items = [(subject or ANONYMOUS, month_of(at), text) for subject, at, text in items]
        found = self._keys_for({(s, m) for s, m, text in items if text is not None and not is_sealed(text)})
        return [text if text is None or is_sealed(text) else self._encrypt(found[s, m], text)
                for s, m, text in items]

    def _encrypt(self, key: _Key, text: str) -> str:
        nonce = secrets.token_bytes(12)
        header = f"{TOKEN_PREFIX}{key.key_id}"
        sealed = key.aead.encrypt(nonce, text.encode("utf-8"), header.encode("ascii"))
        return f"{header}:{_b64(nonce + sealed)}"

    def _keys_for(self, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], _Key]:
        found, now = {}, self._now()
        with self._lock:
            for pair in wanted:
                key = self._by_id.get(self._current.get(pair, ""))
                if key is not None and now - key.loaded < self.cache_s:
                    found[pair] = key
        missing = wanted - set(found)
        for attempt in range(3):
            if not missing:
                break
            try:
                found |= self._load_or_create(missing)
                missing = wanted - set(found)
            except IntegrityError:  # another process created one of them meanwhile: read it
                if attempt == 2:
                    raise
        return found

    def _load_or_create(self, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], _Key]:
        now, at = self._now(), datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            rows = []
            for chunk in _chunks(sorted(pairs)):
                rows += conn.execute(sa.select(keys).where(
                    sa.tuple_(keys.c.subject, keys.c.month).in_(chunk))).all()
            loaded = {(r.subject, r.month): self._unwrap(r, now) for r in rows}
            new = []
            for subject, month in sorted(pairs - set(loaded)):
                raw, key_id = AESGCM.generate_key(256), secrets.token_hex(KEY_ID_LENGTH // 2)
                new.append({"key_id": key_id, "subject": subject, "month": month,
                            "wrapped": self._wrap(key_id, subject, month, raw),
                            "kek": self.kek_id, "created_at": at})
                loaded[subject, month] = _Key(key_id, subject, month, AESGCM(raw), now)
            if new:
                conn.execute(keys.insert(), new)
        with self._lock:
            for pair, key in loaded.items():
                self._remember(key)
                self._current[pair] = key.key_id
        return loaded

    # opening

    def open(self, token: str | None) -> str | None:
        """The plaintext, or None once its key is destroyed (or for a damaged token)."""
        return self.open_many([token])[0]

    def open_many(self, tokens: Iterable[str | None]) -> list[str | None]:
        """open() for a batch: one query for every key not cached. A value that is not a token
        (None, or a plaintext from before sealing) comes back as it is."""
        tokens = list(tokens)
        ids = {key_id_of(t) for t in tokens if is_sealed(t)}
        found = self._keys_by_id(ids)
        return [self._decrypt(found.get(key_id_of(t)), t) if is_sealed(t) else t for t in tokens]

    def _decrypt(self, key: _Key | None, token: str) -> str | None:
        if key is None:
            return None
        header, _, body = token.rpartition(":")
        try:
            raw = _unb64(body)
            return key.aead.decrypt(raw[:12], raw[12:], header.encode("ascii")).decode("utf-8")
        except (InvalidTag, ValueError):
            log.warning("a sealed value could not be opened (damaged)", extra={"key_id": key.key_id})
            return None

    def _keys_by_id(self, ids: set[str]) -> dict[str, _Key]:
        found, now = {}, self._now()
        with self._lock:
            for key_id in ids:
                key = self._by_id.get(key_id)
                if key is not None and now - key.loaded < self.cache_s:
                    found[key_id] = key
            missing = sorted(ids - set(found) - self._gone.keys())
        if not missing:
            return found
        with self.engine.connect() as conn:
            rows = [row for chunk in _chunks(missing)
                    for row in conn.execute(sa.select(keys).where(keys.c.key_id.in_(chunk)))]
        loaded = {row.key_id: self._unwrap(row, now) for row in rows}
        with self._lock:
            for key in loaded.values():
                self._remember(key)
                # the one live key of its (subject, month): what was opened can be sealed again
                self._current[key.subject, key.month] = key.key_id
            for key_id in set(missing) - set(loaded):
                self._forget(key_id)
        return found | loaded

    # shredding

    def shred_subjects(self, subjects: Iterable[str]) -> int:
        """Destroy every key of these subjects (erasure); returns how many."""
        subjects = sorted(set(subjects))
        return self._shred([keys.c.subject.in_(chunk) for chunk in _chunks(subjects)])

    def shred_before(self, month: str | date | datetime) -> int:
        """Destroy the keys of every month before `month` ('2024-01'; retention)."""
        return self._shred([keys.c.month < _month_text(month)])

    def count_before(self, month: str | date | datetime) -> int:
        """How many keys shred_before(month) would destroy (a dry run)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(keys)
                                .where(keys.c.month < _month_text(month))).scalar_one()

    def _shred(self, conditions: list) -> int:
        gone = []
        with self.engine.begin() as conn:
            for condition in conditions:
                ids = list(conn.execute(sa.select(keys.c.key_id).where(condition)).scalars())
                for chunk in _chunks(ids):
                    conn.execute(keys.delete().where(keys.c.key_id.in_(chunk)))
                gone += ids
        with self._lock:  # after the commit: this process never opens them again
            for key_id in gone:
                self._forget(key_id)
        return len(gone)

    # keys and the cache

    def _wrap(self, key_id: str, subject: str, month: str, raw: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._kek.encrypt(nonce, raw, f"{key_id}|{subject}|{month}".encode())

    def _unwrap(self, row, now: float) -> _Key:
        if row.kek != self.kek_id:
            raise MasterKeyMismatch(f"vault key {row.key_id} was wrapped with another "
                                    "PRIVACY_MASTER_KEY than this service's")
        wrapped = bytes(row.wrapped)
        raw = self._kek.decrypt(wrapped[:12], wrapped[12:],
                                f"{row.key_id}|{row.subject}|{row.month}".encode())
        return _Key(row.key_id, row.subject, row.month, AESGCM(raw), now)

    def _remember(self, key: _Key) -> None:
        self._by_id[key.key_id] = key
        self._by_id.move_to_end(key.key_id)
        while len(self._by_id) > self.max_cached:
            _, old = self._by_id.popitem(last=False)
            if self._current.get((old.subject, old.month)) == old.key_id:
                del self._current[old.subject, old.month]

    def _forget(self, key_id: str) -> None:
        key = self._by_id.pop(key_id, None)
        if key is not None and self._current.get((key.subject, key.month)) == key_id:
            del self._current[key.subject, key.month]
        self._gone[key_id] = None
        while len(self._gone) > 10 * self.max_cached:
            self._gone.popitem(last=False)

    def _now(self) -> float:
        return self.clock.now().timestamp()


def _month_text(month: str | date | datetime) -> str:
    return month if isinstance(month, str) else month_of(month)


def _chunks(values: list) -> Iterable[list]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def migrate_vault(url: str) -> None:
    """Bring the vault's database up to date; the services may race to do it at start."""
    for attempt in range(3):
        try:
            migrate(url, MIGRATIONS)
            return
        except DBAPIError:  # SQLite: another service created the table first; look again
            if attempt == 2:
                raise
