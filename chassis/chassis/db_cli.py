"""`<svc> db upgrade`: the service's migrations and the key vault's, and nothing else started."""
from pathlib import Path
from typing import Callable

import click


def db_group(load_settings: Callable[[], object], migrations: Path) -> click.Group:
    """A `db` command group for a service whose settings carry database_url (and the vault's)."""

    @click.group("db")
    def db():
        """The service's database."""

    @db.command("upgrade")
    def upgrade():
        """Migrate the database (and the key vault) to the newest revision, then exit."""
        from chassis.db import migrate
        from chassis.privacy.vault import migrate_vault
        settings = load_settings()
        migrate(settings.database_url, migrations)
        if getattr(settings, "privacy_master_key", None):  # no master key: no vault is used
            migrate_vault(settings.privacy_vault_url)
        click.echo("database at the newest revision", err=True)

    return db
