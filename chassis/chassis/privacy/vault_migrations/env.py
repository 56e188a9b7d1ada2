"""The key vault's migrations: its own version table, so the vault may share a database."""
from alembic import context
from sqlalchemy import text

from chassis.db import make_engine
from chassis.privacy.vault_tables import VERSION_TABLE, metadata

# Three services migrate the one vault at start: PostgreSQL serialises them on this lock.
_LOCK = 0x7661756C74  # "vault"


def run() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True,
                          version_table=VERSION_TABLE)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          version_table=VERSION_TABLE,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK})
            context.run_migrations()
    engine.dispose()


run()
