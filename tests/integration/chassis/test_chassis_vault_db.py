"""The key vault on SQLite and PostgreSQL: services migrating and sealing at once share one key
per (subject, month); a batch opens with one query; shredding holds across vault instances."""
import multiprocessing
from datetime import datetime, timedelta, timezone
from functools import partial

import sqlalchemy as sa

from chassis.privacy.vault import KeyVault, key_id_of, migrate_vault
from chassis.privacy.vault_tables import keys
from chassis.db import make_engine
from chassis.testing import FakeClock

MASTER = "integration-master-key-0123456789abcdef"
MARCH = datetime(2026, 3, 2, 9, 15, tzinfo=timezone.utc)


def _service(db_url: str, barrier, n: int) -> str:
    """One service's start: migrate the vault, then seal (a process of its own, as in production)."""
    barrier.wait(30)
    migrate_vault(db_url)
    vault = KeyVault(make_engine(db_url), MASTER)
    try:
        return vault.seal("subject-a", MARCH, f"from service {n}")
    finally:
        vault.close()


def test_three_services_migrating_and_sealing_at_once_share_one_key(db_url):
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        barrier = manager.Barrier(3)
        with context.Pool(3) as pool:
            tokens = pool.map(partial(_service, db_url, barrier), range(3))
    assert len({key_id_of(t) for t in tokens}) == 1
    reader = KeyVault.from_url(db_url, MASTER)
    assert reader.open_many(tokens) == ["from service 0", "from service 1", "from service 2"]
    with reader.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(keys)).scalar_one() == 1
    reader.close()


def test_a_batch_opens_with_one_query_and_shredding_holds_everywhere(db_url):
    writer = KeyVault.from_url(db_url, MASTER)
    tokens = writer.seal_many([(f"s{i}", MARCH, f"comment {i}") for i in range(1200)])
    reader = KeyVault(make_engine(db_url), MASTER, clock=FakeClock(MARCH))
    statements = []
    sa.event.listen(reader.engine, "before_cursor_execute",
                    lambda *args: statements.append(args[2]))
    assert reader.open_many(tokens) == [f"comment {i}" for i in range(1200)]
    assert len(statements) == 3  # 1200 ids in chunks of 500: one round trip per chunk
    statements.clear()
    assert reader.open_many(tokens[:10]) == [f"comment {i}" for i in range(10)]
    assert statements == []  # cached
    assert writer.shred_subjects([f"s{i}" for i in range(0, 1200, 2)]) == 600
    reader.clock.advance(timedelta(seconds=31))
    opened = reader.open_many(tokens)
    assert opened[0] is None and opened[1] == "comment 1" and opened.count(None) == 600
    writer.close()
    reader.close()
