"""Sweeps: what one data class lets go of in one place, counted first, then removed in batches.

Every sweep has `data_class`, `target` (what the counts call it), `count(cutoffs)` and
`expire(cutoffs, on_rows)`; `cutoffs` maps each data class to the moment before which its data
is past its period (chassis.privacy.retention.cutoffs).
"""
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from chassis.privacy.retention import COMMENTS, CONTACT_DETAILS, month_of

Cutoffs = Mapping[str, datetime]


def _ignore(rows: int) -> None:
    return None


@dataclass(frozen=True)
class TableSweep:
    """Rows of `table` for which `past(cutoffs)` holds are deleted or, with `clear`, keep their
    row with those columns overwritten. `past` must also say the row still holds something to
    clear, so that a cleared row is not counted again."""

    engine: Engine
    data_class: str
    target: str
    table: sa.Table
    past: Callable[[Cutoffs], sa.ColumnElement]
    clear: Mapping[str, Any] | None = None
    # SQLite has one writer: each batch is a short transaction that queues on this lock.
    write_lock: AbstractContextManager = field(default_factory=nullcontext)
    batch: int = 500

    def count(self, cutoffs: Cutoffs) -> int:
        stmt = sa.select(sa.func.count()).select_from(self.table).where(self.past(cutoffs))
        with self.engine.connect() as conn:
            return conn.scalar(stmt)

    def expire(self, cutoffs: Cutoffs, on_rows: Callable[[int], None] = _ignore) -> int:
        """Remove in batches, each its own transaction, so the service's writers are never held
        up for long; returns how many rows were changed."""
        total, done = self.count(cutoffs), 0
        while done < total:
            with self.write_lock, self.engine.begin() as conn:
                changed = conn.execute(self._batch(cutoffs, min(self.batch, total - done))).rowcount
            if not changed:
                break
            done += changed
            on_rows(changed)
        return done

    def _batch(self, cutoffs: Cutoffs, size: int):
        keys = list(self.table.primary_key.columns)
        key = keys[0] if len(keys) == 1 else sa.tuple_(*keys)
        chosen = sa.select(*keys).where(self.past(cutoffs)).limit(size).correlate(None)
        where = sa.and_(key.in_(chosen), self.past(cutoffs))
        if self.clear is None:
            return sa.delete(self.table).where(where)
        return sa.update(self.table).where(where).values(dict(self.clear))


def personal_cutoff(cutoffs: Cutoffs) -> datetime:
    """The earlier of the contact-details and comments cutoffs: the longest personal period."""
    return min(cutoffs[CONTACT_DETAILS], cutoffs[COMMENTS])


@dataclass(frozen=True)
class KeyVaultSweep:
    """The key vault's keys for months wholly past the longest personal period: once shredded,
    whatever was sealed with them (on Kafka, in the spool) can no longer be read.

    A key serves one month; data sealed on the last day of a month is past its period only once
    the cutoff is in a later month, so keys are shredded for the months before the cutoff's.
    """

    vault: Any  # chassis.privacy.vault.KeyVault: shred_before(month) -> n
    data_class: str = CONTACT_DETAILS
    target: str = "vault_keys"

    def month(self, cutoffs: Cutoffs) -> str:
        return month_of(personal_cutoff(cutoffs))

    def count(self, cutoffs: Cutoffs) -> int:
        counter = getattr(self.vault, "count_before", None)
        return counter(self.month(cutoffs)) if counter is not None else 0

    def expire(self, cutoffs: Cutoffs, on_rows: Callable[[int], None] = _ignore) -> int:
        shredded = self.vault.shred_before(self.month(cutoffs))
        on_rows(shredded)
        return shredded
