"""A retention run: counted, applied unless dry, and recorded in `retention_runs` either way.

Each service's handler computes its cutoffs, names its sweeps and calls `run_retention`; its
worker calls `apply_daily`, which runs once a day by the bus's clock.
"""
import logging
import threading
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from chassis.privacy.tables import privacy_tables

log = logging.getLogger(__name__)
DAY = timedelta(days=1)
CHECK_EVERY_S = 300.0  # how often a worker asks whether a day has passed since its last run


@dataclass(frozen=True)
class RetentionRun:
    id: int
    started_at: datetime
    finished_at: datetime | None
    dry_run: bool
    trigger: str
    cutoffs: dict = field(default_factory=dict)  # data class -> ISO 8601 moment
    counts: dict = field(default_factory=dict)  # data class -> {target: rows}

    @property
    def total(self) -> int:
        return sum(n for targets in self.counts.values() for n in targets.values())


class RetentionRuns:
    """The `retention_runs` table: the audit of every run, dry or not."""

    def __init__(self, engine: Engine, write_lock: AbstractContextManager | None = None):
        self.engine, self.write_lock = engine, write_lock or nullcontext()
        self.table = privacy_tables(sa.MetaData())["retention_runs"]

    def start(self, now: datetime, dry_run: bool, trigger: str, cutoffs: dict) -> int:
        with self.write_lock, self.engine.begin() as conn:
            return conn.execute(self.table.insert().values(
                started_at=now, dry_run=dry_run, trigger=trigger, cutoffs=cutoffs, counts={})
            ).inserted_primary_key[0]

    def finish(self, run_id: int, now: datetime | None, counts: dict) -> None:
        with self.write_lock, self.engine.begin() as conn:
            conn.execute(self.table.update().where(self.table.c.id == run_id).values(
                finished_at=now, counts=counts))

    def recent(self, limit: int = 20) -> list[RetentionRun]:
        t = self.table
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.id.desc()).limit(limit)).mappings()
            return [RetentionRun(**row) for row in rows]

    def last_completed(self, trigger: str) -> datetime | None:
        """When the last run by `trigger` that finished had started (a failed one does not count)."""
        t = self.table
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.max(t.c.started_at)).where(
                t.c.trigger == trigger, t.c.finished_at.is_not(None)))


def run_retention(runs: RetentionRuns, sweeps: Iterable, cutoffs: Mapping[str, datetime], *,
                  clock, dry_run: bool, trigger: str, progress=None) -> RetentionRun:
    """Count what each sweep would remove; unless dry, remove it; record the run either way.

    `progress(total=n)`, when given, makes a bar (tqdm-like: update(n), close()) over the rows.
    A run that fails keeps what it had done in its row, without a finished_at.
    """
    sweeps, started = tuple(sweeps), clock.now()
    as_text = {name: moment.isoformat() for name, moment in cutoffs.items()}
    run_id = runs.start(started, dry_run, trigger, as_text)
    counts: dict[str, dict[str, int]] = {}
    finished = None
    try:
        found = [(sweep, sweep.count(cutoffs)) for sweep in sweeps]
        if dry_run:
            for sweep, n in found:
                counts.setdefault(sweep.data_class, {})[sweep.target] = n
        else:
            _expire_all(found, cutoffs, counts, progress)
        finished = clock.now()
    finally:
        runs.finish(run_id, finished, counts)
    return RetentionRun(run_id, started, finished, dry_run, trigger, as_text, counts)


def _expire_all(found, cutoffs, counts, progress) -> None:
    bar = progress(total=sum(n for _, n in found)) if progress else None
    try:
        for sweep, _ in found:
            done = sweep.expire(cutoffs, bar.update if bar else lambda rows: None)
            counts.setdefault(sweep.data_class, {})[sweep.target] = done
    finally:
        if bar:
            bar.close()


def is_due(last_started: datetime | None, now: datetime, every: timedelta = DAY) -> bool:
    return last_started is None or now - last_started >= every


def apply_if_due(bus, command: Callable[[], object]) -> RetentionRun | None:
    """Handle `command()` when a day has passed, by the bus's clock, since the last worker run
    that finished (`bus.retention_runs`); a failed run does not count, so it is tried again."""
    if not is_due(bus.retention_runs.last_completed("worker"), bus.clock.now()):
        return None
    return bus.handle(command())


def apply_daily(bus, command: Callable[[], object], stop: threading.Event,
                interval_s: float = CHECK_EVERY_S) -> None:
    """Until `stop`: every interval_s, apply_if_due; a failure is logged, not raised."""
    while not stop.is_set():
        try:
            run = apply_if_due(bus, command)
            if run is not None:
                log.info("retention run", extra={"run_id": run.id, "rows": run.total})
        except Exception:
            log.exception("retention run failed")
        stop.wait(interval_s)
